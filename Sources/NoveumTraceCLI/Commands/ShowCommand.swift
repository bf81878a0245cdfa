import ArgumentParser
import NoveumTraceStore

struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one trace as a tree with a timeline (an id prefix is enough).")

    @OptionGroup var store: StoreOptions
    @Argument(help: "The trace id, or its first digits (at least 4).") var traceID: String
    @Flag(help: "Print JSON for scripts.") var json = false
    @Flag(help: "Also print every span's attributes and events.") var verbose = false

    func run() async throws {
        let terminal = Terminal.current
        let trace = try store.openStore().trace(traceID)
        if json {
            terminal.line(try Format.json(trace))
            return
        }
        terminal.write(TraceTreeView.render(trace, terminal))
        if verbose {
            for span in trace.spans {
                terminal.line()
                terminal.line(terminal.styled(span.name, .bold) + terminal.styled("  " + span.spanID, .dim))
                for attribute in span.attributes {
                    terminal.line("  " + terminal.styled(attribute.key, .cyan) + " = " + attribute.value)
                }
                for event in span.events {
                    terminal.line("  " + terminal.styled("event ", .yellow) + event.name)
                }
            }
        }
    }
}
