"""The picture of a replay: altitude against the setpoint with the settling band, and the motor
command, for every environment flown."""
import math

from ev.model.step_response import SETTLING_BAND

COLUMNS = 5


def plot_flights(assessed, path, verdict):
    """``assessed``: [(Flight, StepInfo or None)] as ev.model.replay.assess returns."""
    from ev.reporting.plots import plt, save
    count = len(assessed)
    columns = min(COLUMNS, count)
    blocks = int(math.ceil(count / float(columns)))
    fig, axes = plt.subplots(2 * blocks, columns, figsize=(3.3 * columns, 4.4 * blocks),
                             squeeze=False, gridspec_kw={"height_ratios": [3, 1] * blocks})
    for index, (flight, info) in enumerate(assessed):
        block, column = divmod(index, columns)
        draw_altitude(axes[2 * block][column], flight, info)
        draw_command(axes[2 * block + 1][column], flight)
    for index in range(count, blocks * columns):
        block, column = divmod(index, columns)
        axes[2 * block][column].axis("off")
        axes[2 * block + 1][column].axis("off")
    fig.suptitle(verdict, fontsize=11)
    save(fig, path, rect=(0, 0, 1, 0.97))


def draw_altitude(ax, flight, info):
    env = flight.env
    band = SETTLING_BAND * abs(env.setpoint - env.start)
    times = [0.0] + flight.times
    ax.fill_between([0.0, times[-1]], env.setpoint - band, env.setpoint + band,
                    color="tab:green", alpha=0.2, label="+-2% band")
    ax.axhline(env.setpoint, color="tab:red", linestyle="--", linewidth=1, label="setpoint")
    ax.plot(times, [env.start] + flight.altitudes, color="tab:blue", label="altitude")
    if info is not None and info.settling_time is not None:
        ax.axvline(info.settling_time, color="gray", linestyle=":", linewidth=1,
                   label="settled")
    ax.set_title("%.4g -> %.4g m: %s" % (env.start, env.setpoint, summary(info)), fontsize=8)
    ax.set_ylabel("altitude [m]", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.legend(fontsize=6, loc="best")


def draw_command(ax, flight):
    ax.plot([0.0] + flight.times, [flight.commands[0]] + flight.commands, color="tab:purple",
            linewidth=1)
    ax.set_ylim(-0.05, 1.05)
    ax.set_ylabel("motor [0-1]", fontsize=8)
    ax.set_xlabel("time [s]", fontsize=8)
    ax.tick_params(labelsize=7)


def summary(info):
    if info is None:
        return "failed"
    settling = "-" if info.settling_time is None else "%.2f s" % info.settling_time
    return "settles %s, overshoot %.1f%%" % (settling, 100 * info.overshoot)
