"""The build machinery, apart from the domain library: executing the notebooks
(``python -m analysis.book``), the citation page, datapackage.json, Sphinx fixes,
the bibliography check. No domain module imports it."""
