"""Best City Atlas data vocabulary: catalogues (sources, indicators, areas), settings (paths, the data error), the store and its
query functions. The build pipeline that writes the store is the subpackage data/pipeline/."""
