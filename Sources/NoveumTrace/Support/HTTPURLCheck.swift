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
            throw .invalidConfiguration("\(setting) must be an http or https URL, got \"\(redacted(raw))\"")
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let host = authority.split(separator: "@").last.map { Substring($0) } ?? authority
        guard !host.isEmpty, !host.hasPrefix(":") else {
            throw .invalidConfiguration("\(setting) must name a host, got \"\(redacted(raw))\"")
        }
        guard !raw.contains(where: { $0.isWhitespace }) else {
            throw .invalidConfiguration("\(setting) must not contain spaces, got \"\(redacted(raw))\"")
        }
        if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
            let port = host[host.index(after: colon)...]
            guard let number = Int(port), (1...65535).contains(number) else {
                throw .invalidConfiguration("\(setting) has an invalid port \"\(port)\" in \"\(redacted(raw))\"")
            }
        }
        return raw
    }

    /// `url` without user information, query or fragment: what logs, descriptions and errors may show of an
    /// endpoint, since credentials (`user:password@`, `?token=`) can ride in URLs.
    package static func redacted(_ url: String) -> String {
        var text = Substring(url)
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = text[..<cut] }
        let authorityStart = text.range(of: "://")?.upperBound ?? text.startIndex
        let authorityEnd = text[authorityStart...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[authorityStart..<authorityEnd].lastIndex(of: "@") {
            text = text[..<authorityStart] + text[text.index(after: at)...]
        }
        return String(text)
    }
}
