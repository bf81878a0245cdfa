// Importing `NoveumTraceMacros` brings in `NoveumTrace`, which the expansions call.
@_exported import NoveumTrace
