"""Best City Atlas data vocabulary: catalogues (sources, indicators, areas), paths, errors, the store and its
query functions. The build pipeline that writes the store is the subpackage data/pipeline/."""
