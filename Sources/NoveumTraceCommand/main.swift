import NoveumTraceCLI

await NoveumTraceCommand.runFromCommandLine()
