"""Positions in words: the nearest Dutch place, its distance and the compass direction, offline.

`nearest` is pure (numpy and pyproj, no Django): it loads the bundled place list
(`data/nl_places.csv`, GeoNames, CC BY 4.0; see `data/README.md`) and finds the
nearest place for many positions at once. `words` turns a result into a
sentence in the active language ("2,3 km NO van Gouda").
"""
