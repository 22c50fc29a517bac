"""Best City Atlas data layer: catalogues (sources, indicators, areas), the build pipeline and the store."""
