"""Export a profile's samples to what people view profiles with: speedscope, a flame graph."""
import json
import os

from traces import atomic
from traces.categories import all_categories, categorize, colour, title
from traces.processors import (display_name, for_people, library_and_category,
                               seconds_per_weight)


def write_speedscope(profile, path):
    """A speedscope 'sampled' profile (https://www.speedscope.app/file-format-schema.json) in
    milliseconds of the recorded run, launcher frames dropped; each frame's ``file`` names
    its source file or library and its category."""
    frames, index = [], {}
    samples, weights = [], []
    milliseconds = 1000.0 * seconds_per_weight(profile)
    for stack, weight in profile.samples:
        ids = []
        for frame in for_people(stack):
            key = frame.key()
            if key not in index:
                index[key] = len(frames)
                frames.append(speedscope_frame(frame))
            ids.append(index[key])
        samples.append(ids)
        weights.append(weight * milliseconds)
    document = {
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "shared": {"frames": frames},
        "profiles": [{"type": "sampled",
                      "name": "%s (%s, recorded by %s, %s)" % (
                          os.path.basename(profile.path), profile.interpreter,
                          profile.sampler, duration(profile)),
                      "unit": "milliseconds", "startValue": 0, "endValue": sum(weights),
                      "samples": samples, "weights": weights}],
        "name": os.path.basename(profile.path),
        "exporter": "ev traces.export",
    }
    atomic.write_atomically(path, lambda out: json.dump(document, out))


def speedscope_frame(frame):
    where, category = library_and_category(frame)
    entry = {"name": frame.name if frame.kind == "py" else frame.label,
             "file": "%s [%s]" % (where, category)}
    if isinstance(frame.line, int):
        entry["line"] = frame.line
    return entry


def duration(profile):
    seconds = seconds_per_weight(profile) * profile.total_weight
    return "%.2f s recorded" % seconds


def call_tree(samples):
    """{name: [weight, children, category]} merged from root to leaf over all samples."""
    root = [0.0, {}, None]
    for stack, weight in samples:
        node = root
        node[0] += weight
        for frame in stack:
            name = display_name(frame)
            child = node[1].get(name)
            if child is None:
                child = node[1][name] = [0.0, {}, categorize(frame)]
            child[0] += weight
            node = child
    return root


CHAR_WIDTH_PX = 5.6      # of the 7-point label font at 100 dpi
MIN_LABEL_CHARS = 3      # a box with room for fewer characters stays unlabelled (~1% wide)


def fitted(label, box_px):
    """The label cut to fit ``box_px`` pixels, with an ellipsis when cut; None when hardly
    anything would fit."""
    room = int(box_px / CHAR_WIDTH_PX)
    if room < MIN_LABEL_CHARS:
        return None
    return label if len(label) <= room else label[:room - 1] + "\u2026"


def write_flame_graph(profile, path, min_fraction=0.002, max_depth=40):
    """A flame graph (root at the bottom), x in seconds of the recorded run, boxes coloured
    by category, as a PNG."""
    import matplotlib
    matplotlib.use("Agg")   # headless
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    seconds = seconds_per_weight(profile)
    root = call_tree([(for_people(stack), weight) for stack, weight in profile.samples])
    total = root[0] or 1.0
    boxes = []

    def place(node, x, depth):
        for name, child in sorted(node[1].items()):
            width = child[0] / total
            if width >= min_fraction and depth < max_depth:
                boxes.append((x, depth, width, name, child[2]))
                place(child, x, depth + 1)
            x += width

    place(root, 0.0, 0)
    height = max([b[1] for b in boxes] + [0]) + 1
    inches = max(4.0, 0.3 * height + 2.2)
    fig, ax = plt.subplots(figsize=(16, inches))
    axis_px = 16 * 100 * 0.92
    span = total * seconds
    extra = getattr(profile.project, "extra", ())
    for x, depth, width, name, category in boxes:
        ax.add_patch(plt.Rectangle((x * span, depth), width * span, 0.95,
                                   facecolor=colour(category, extra), edgecolor="white",
                                   linewidth=0.3))
        label = fitted(name, width * axis_px)
        if label:
            ax.text((x + 0.002) * span, depth + 0.45, label, fontsize=7, va="center",
                    clip_on=True)
    ax.set_xlim(0, span)
    ax.set_ylim(0, height)
    ax.set_yticks([])
    ax.set_xlabel("seconds of the recorded run (%d samples; width = time on the stack)"
                  % profile.samples_taken)
    ax.set_title("%s: %s, recorded by %s, %s — bottom: the program's entry, top: where the "
                 "time was spent" % (os.path.basename(profile.path), profile.interpreter,
                                     profile.sampler, duration(profile)))
    used = sorted(set(b[4] for b in boxes), key=all_categories(extra).index)
    fig.legend(handles=[Patch(color=colour(c, extra), label=title(c, profile.interpreter))
                        for c in used], fontsize=8, loc="lower center", ncol=min(4, len(used)),
               frameon=False)
    legend_inches = 0.15 + 0.2 * ((len(used) + 3) // 4)   # 8-point rows, below the axis
    try:
        fig.tight_layout(rect=(0, legend_inches / inches, 1, 1))
        atomic.write_atomically(path, lambda out: fig.savefig(out, format="png", dpi=100),
                                binary=True)
    finally:
        plt.close(fig)
