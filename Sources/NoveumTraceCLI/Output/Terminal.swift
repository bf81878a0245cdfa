import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Where the command's output goes, and whether it is coloured.
///
/// Commands write through ``current``: standard output by default, a buffer in tests. Colour is on when standard
/// output is a terminal and `NO_COLOR` is not set (https://no-color.org).
public struct Terminal: Sendable {
    /// Writes text as is (callers add newlines).
    public var write: @Sendable (String) -> Void
    /// Whether ANSI colours are used.
    public var useColor: Bool

    /// A terminal writing with `write`.
    public init(useColor: Bool, write: @escaping @Sendable (String) -> Void) {
        self.useColor = useColor
        self.write = write
    }

    /// Standard output, coloured when it is a TTY and `NO_COLOR` is unset.
    public static let standardOutput = Terminal(
        useColor: isatty(STDOUT_FILENO) != 0 && (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    ) { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    /// The terminal commands write to in this task.
    @TaskLocal public static var current: Terminal = .standardOutput

    /// Writes `text` and a newline.
    public func line(_ text: String = "") {
        write(text + "\n")
    }

    /// `text` in `style` when colour is on.
    public func styled(_ text: String, _ style: Style) -> String {
        useColor ? style.rawValue + text + Style.reset.rawValue : text
    }
}

/// ANSI styles.
public enum Style: String, Sendable {
    case reset = "\u{1B}[0m"
    case bold = "\u{1B}[1m"
    case dim = "\u{1B}[2m"
    case red = "\u{1B}[31m"
    case green = "\u{1B}[32m"
    case yellow = "\u{1B}[33m"
    case blue = "\u{1B}[34m"
    case magenta = "\u{1B}[35m"
    case cyan = "\u{1B}[36m"
    case boldRed = "\u{1B}[1;31m"
}
