"""Draw the charts of the Ukraine security poll (Info Sapiens / New Europe Center, Nov 2025).

Run from the repository root:  .venv/bin/python examples/make_charts.py
Writes examples/poll_shares.png and examples/poll_waves.png (and .svg variants).

Figures: best guarantee of Ukraine's security, single-choice question, n = 1,000: own
nuclear weapons 31.1%, NATO membership 19.4%.  "Giving up NATO aspirations is completely
unacceptable": 56.9% (2023), 48.7% (2024), 41.1% (2025), independent samples of 1,000 each.
"""

from pathlib import Path

from surveystats.plot import plot_shares, plot_waves

HERE = Path(__file__).resolve().parent
SOURCE = "Source: Info Sapiens / New Europe Center, Nov 2025, n = 1,000"


def main():
    ax = plot_shares(
        ["Own nuclear weapons", "NATO membership"],
        [0.311, 0.194],
        1000,
        title="What best guarantees Ukraine's security?",
        subtitle="Share of Ukrainians naming each option (single choice)",
        source=SOURCE,
    )
    for suffix in (".png", ".svg"):
        ax.figure.savefig(HERE / f"poll_shares{suffix}", facecolor="white")

    ax = plot_waves(
        [2023, 2024, 2025],
        [0.569, 0.487, 0.411],
        1000,
        title="Giving up NATO aspirations: \u201ccompletely unacceptable\u201d",
        subtitle="Share of Ukrainians, by survey year",
        source="Source: Info Sapiens / New Europe Center, Nov 2025 and earlier waves, "
        "n = 1,000 each",
    )
    for suffix in (".png", ".svg"):
        ax.figure.savefig(HERE / f"poll_waves{suffix}", facecolor="white")
    print(
        "wrote",
        *(
            f"examples/{name}"
            for name in ("poll_shares.png", "poll_shares.svg", "poll_waves.png", "poll_waves.svg")
        ),
    )


if __name__ == "__main__":
    main()
