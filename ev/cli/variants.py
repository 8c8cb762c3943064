"""python -m ev.cli.variants NAME: can this interpreter run the variant NAME?  (A module apart
from the registry: run as __main__, the registry would be a second copy that plugins do not
register into.)"""
import sys

from ev.backends.registry import VARIANT_NAMES, VariantUnavailable, get_variant


def main(argv):
    """python -m ev.cli.variants NAME: exit 0 when the variant can run here, else say why (the
    matrix run reports such a cell as not run)."""
    from ev.model.creature_base import DEFAULT_SHAPE
    if len(argv) != 1 or argv[0] not in VARIANT_NAMES:
        print("usage: python -m ev.cli.variants {%s}" % ",".join(VARIANT_NAMES), file=sys.stderr)
        return 2
    try:
        get_variant(argv[0], DEFAULT_SHAPE)
    except VariantUnavailable as error:
        print(error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
