"""Export a profile's samples to what people view profiles with: speedscope, a flame graph."""
import json

from ev import atomic
from traces.categories import CATEGORIES, categorize


def write_speedscope(profile, path):
    """A speedscope 'sampled' profile (https://www.speedscope.app/file-format-schema.json)."""
    frames, index = [], {}
    samples, weights = [], []
    for stack, weight in profile.samples:
        ids = []
        for frame in stack:
            key = frame.key()
            if key not in index:
                index[key] = len(frames)
                entry = {"name": frame.label if frame.kind != "py" else frame.name}
                if frame.filename:
                    entry["file"] = frame.filename
                if isinstance(frame.line, int):
                    entry["line"] = frame.line
                frames.append(entry)
            ids.append(index[key])
        samples.append(ids)
        weights.append(weight)
    document = {
        "$schema": "https://www.speedscope.app/file-format-schema.json",
        "shared": {"frames": frames},
        "profiles": [{"type": "sampled", "name": "%s (%s)" % (profile.path, profile.interpreter),
                      "unit": "none", "startValue": 0, "endValue": sum(weights),
                      "samples": samples, "weights": weights}],
        "name": profile.path,
        "exporter": "ev traces.export",
    }
    atomic.write_atomically(path, lambda out: json.dump(document, out))


def call_tree(samples):
    """{label: [weight, children]} merged from root to leaf over all samples."""
    root = [0.0, {}]
    for stack, weight in samples:
        node = root
        node[0] += weight
        for frame in stack:
            child = node[1].get(frame.label)
            if child is None:
                child = node[1][frame.label] = [0.0, {}, categorize(frame)]
            child[0] += weight
            node = child
    return root


def write_flame_graph(profile, path, min_fraction=0.002, max_depth=40):
    """A flame graph (root at the bottom), boxes coloured by category, as a PNG."""
    from matplotlib.patches import Patch

    from ev.plots import plt, save

    from traces.profile import without_launcher
    root = call_tree([(without_launcher(stack), weight) for stack, weight in profile.samples])
    total = root[0] or 1.0
    colours = dict(zip(CATEGORIES, plt.get_cmap("tab10").colors))
    boxes = []

    def place(node, x, depth):
        for label, child in sorted(node[1].items()):
            width = child[0] / total
            if width >= min_fraction and depth < max_depth:
                boxes.append((x, depth, width, label, child[2]))
                place(child, x, depth + 1)
            x += width

    place(root, 0.0, 0)
    height = max([b[1] for b in boxes] + [0]) + 1
    fig, ax = plt.subplots(figsize=(16, max(4, 0.28 * height + 1.5)))
    for x, depth, width, label, category in boxes:
        ax.add_patch(plt.Rectangle((x, depth), width, 0.95, facecolor=colours[category],
                                   edgecolor="white", linewidth=0.3))
        if width > 0.04:
            ax.text(x + 0.003, depth + 0.45, label[:int(width * 160)], fontsize=6,
                    va="center", clip_on=True)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, height)
    ax.set_yticks([])
    ax.set_xlabel("fraction of samples")
    ax.set_title("%s (%s, %d samples)" % (profile.path, profile.interpreter,
                                          len(profile.samples)))
    used = sorted(set(b[4] for b in boxes), key=CATEGORIES.index)
    ax.legend(handles=[Patch(color=colours[c], label=c) for c in used], fontsize=7,
              loc="upper right")
    save(fig, path)
