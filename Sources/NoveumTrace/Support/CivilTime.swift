/// Conversions between Unix time and the proleptic Gregorian calendar in UTC, without Foundation.
///
/// Used for the Noveum payload's ISO 8601 timestamps and for HTTP dates in `Retry-After`.
enum CivilTime {
    /// A UTC calendar date and time of day.
    struct Fields: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int
        var second: Int
    }

    /// The calendar date of `days` since 1970-01-01 (negative before).
    static func date(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        // Count in 400-year eras starting on 0000-03-01, so that leap days fall at the end of each year.
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Days since 1970-01-01 of a calendar date.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The UTC fields of a Unix time in seconds.
    static func fields(fromSeconds seconds: Int64) -> Fields {
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = Int(seconds - Int64(days) * 86_400)
        let (year, month, day) = date(fromDays: days)
        return Fields(
            year: year, month: month, day: day, hour: secondOfDay / 3_600, minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60)
    }

    /// The Unix time in seconds of UTC fields.
    static func seconds(from fields: Fields) -> Int64 {
        Int64(days(year: fields.year, month: fields.month, day: fields.day)) * 86_400
            + Int64(fields.hour * 3_600 + fields.minute * 60 + fields.second)
    }

    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses an HTTP date (RFC 9110 section 5.6.7): the preferred IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`,
    /// and the obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`) forms.
    ///
    /// - Returns: Unix seconds, or nil if the text is none of these.
    static func parseHTTPDate(_ text: String) -> Int64? {
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" }).map { $0.lowercased() }
        var day: Int?
        var month: Int?
        var year: Int?
        var time: (Int, Int, Int)?
        for (position, token) in tokens.enumerated() {
            if position == 0, token.first?.isLetter == true { continue }  // weekday
            if token == "gmt" || token == "utc" { continue }
            if let index = monthNames.firstIndex(of: token) {
                guard month == nil else { return nil }
                month = index + 1
            } else if token.contains(":") {
                let parts = token.split(separator: ":").map { Int($0) }
                guard time == nil, parts.count == 3, let h = parts[0], let m = parts[1], let s = parts[2],
                    (0..<24).contains(h), (0..<60).contains(m), (0...60).contains(s)
                else { return nil }
                time = (h, m, min(s, 59))
            } else if let number = Int(token), token.allSatisfy(\.isASCII) {
                if token.count == 4 {
                    guard year == nil else { return nil }
                    year = number
                } else if day == nil, token.count <= 2 {
                    day = number
                } else if year == nil, token.count == 2 {
                    // RFC 850 two-digit years: 70-99 are 19xx, the rest 20xx.
                    year = number >= 70 ? 1900 + number : 2000 + number
                } else {
                    return nil
                }
            } else {
                return nil
            }
        }
        guard let day, let month, let year, let time, (1...31).contains(day) else { return nil }
        return seconds(from: Fields(year: year, month: month, day: day, hour: time.0, minute: time.1, second: time.2))
    }
}
