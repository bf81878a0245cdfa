import NoveumTraceCLI

await NoveumTraceCommand.main()
