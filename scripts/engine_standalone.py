"""Judge fixes with the geofence engine alone: run it where only numpy, shapely and pyproj are installed.

    python scripts/engine_standalone.py                  # exit 0 and one line when the engine needs nothing else
    python scripts/engine_standalone.py --without-numba  # the same with numba hidden: the numpy kernel judges

Every module of geofence/engine is imported from its files (the geofence
package's own __init__ is not run), then a circle and a polygon
judge a few fixes and the tracker opens a violation. numba is optional: where
it is installed the compiled kernel judges, else the numpy kernel.
"""

import importlib.util
import sys
import types
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "geofence" / "engine"


def load_engine() -> types.ModuleType:
    """Import geofence.engine from its folder without importing the geofence package."""
    package = types.ModuleType("geofence")
    package.__path__ = [str(ENGINE.parent)]
    sys.modules["geofence"] = package
    spec = importlib.util.spec_from_file_location("geofence.engine", ENGINE / "__init__.py")
    engine = importlib.util.module_from_spec(spec)
    sys.modules["geofence.engine"] = engine
    spec.loader.exec_module(engine)
    for path in sorted(ENGINE.glob("*.py")):
        if path.stem != "__init__":
            importlib.import_module(f"geofence.engine.{path.stem}")
    return engine


def main() -> int:
    if "--without-numba" in sys.argv[1:]:
        sys.modules["numba"] = None  # makes `import numba` raise ImportError, as where it is not installed
    load_engine()
    from geofence.engine.evaluate import DEFAULT_KERNEL, FixBatch, evaluate
    from geofence.engine.index import ZoneIndex
    from geofence.engine.tracker import Observation, TrackState, Transition, advance
    from geofence.engine.verdicts import Verdict
    from geofence.engine.zones import CircleZone, PolygonZone

    square = {"type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.1], [5.0, 52.0]]]}
    index = ZoneIndex(
        [
            CircleZone(zone_id=0, subject_id=1, lat=52.0907, lon=5.1214, radius_m=5000.0),
            PolygonZone(zone_id=1, subject_id=2, geojson=square),
        ]
    )
    t0 = 1_767_614_400.0
    lat, lon = [52.0907, 52.3, 52.05], [5.1214, 5.1214, 5.05]
    fixes = FixBatch.from_arrays([1, 1, 2], [t0, t0 + 600, t0], lat, lon, [5.0] * 3)
    result = evaluate(index, fixes)
    verdicts = [Verdict(int(v)) for v in result.verdict]
    if verdicts != [Verdict.DEFINITE, Verdict.CLEAR, Verdict.DEFINITE]:
        print(f"unexpected verdicts: {verdicts}")
        return 1
    entering = Observation(t=t0, verdict=Verdict.DEFINITE, approach_level=2, beyond_exit_margin=False)
    step = advance(TrackState(), entering)
    if step.transition != Transition.ENTER:
        print(f"unexpected transition: {step.transition}")
        return 1
    leaked = sorted(name for name in sys.modules if name.split(".")[0] in {"django", "registry", "config", "celery"})
    if "--without-numba" in sys.argv[1:] and DEFAULT_KERNEL != "numpy":
        print(f"numba hidden, yet the {DEFAULT_KERNEL} kernel was chosen")
        return 1
    if leaked:
        print(f"the engine imported {leaked}")
        return 1
    print(
        f"engine alone ({DEFAULT_KERNEL} kernel): {len(result.verdict)} verdicts, tracker ENTER; "
        "imported nothing but numpy, shapely, pyproj" + (", numba" if DEFAULT_KERNEL == "compiled" else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
