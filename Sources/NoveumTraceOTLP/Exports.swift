/// The OTLP exporter is part of the core library: `import NoveumTrace` brings ``OTLPExporter``.
///
/// This module re-exports the core, so code written as `import NoveumTraceOTLP` keeps compiling.
@_exported import NoveumTrace
