/// Validation of the http(s) URLs in settings, with errors that name the setting. Kept free of Foundation.
package enum HTTPURLCheck {
    /// Returns `raw` if it is an http(s) URL with a host, a valid port if any, and no whitespace.
    package static func checked(_ raw: String, setting: String) throws(NoveumTraceError) -> String {
        let lower = raw.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = raw.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = raw.dropFirst(8)
        } else {
            throw .invalidConfiguration("\(setting) must be an http or https URL, got \"\(raw)\"")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map { Substring($0) } ?? authority
        guard !host.isEmpty, !host.hasPrefix(":") else {
            throw .invalidConfiguration("\(setting) must name a host, got \"\(raw)\"")
        }
        guard !raw.contains(where: { $0.isWhitespace }) else {
            throw .invalidConfiguration("\(setting) must not contain spaces, got \"\(raw)\"")
        }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            let port = host[host.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw .invalidConfiguration("\(setting) has an invalid port \"\(port)\" in \"\(raw)\"")
            }
        }
        return raw
    }

}
