/// A user-facing error of the command: printed as is, exit status 1.
public struct CLIError: Error, Sendable, CustomStringConvertible {
    /// What went wrong and what to do.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
