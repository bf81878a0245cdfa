import Foundation

/// Servers outside the test process that some suites talk to when the environment names them; those suites skip
/// themselves otherwise.
package enum ExternalServer {
    /// The URL in the environment variable `name`, without trailing slashes; nil when it is unset or empty.
    package static func url(
        fromEnvironment name: String, _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        guard let raw = environment[name], !raw.isEmpty else { return nil }
        var url = raw
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Arize Phoenix: `NOVEUM_PHOENIX_URL`, for example `http://127.0.0.1:6006`, as `Scripts/phoenix.sh` prints
    /// (`.ci/run` starts one too).
    package static let phoenix: String? = url(fromEnvironment: "NOVEUM_PHOENIX_URL")

    /// The MLflow tracking server: `NOVEUM_MLFLOW_URL` (`Scripts/mlflow.sh` starts one; so does `.ci/run`).
    package static let mlflow: String? = url(fromEnvironment: "NOVEUM_MLFLOW_URL")

    /// The capture server that holds the Python SDK's requests: `NOVEUM_PARITY_URL`, when
    /// `Scripts/python-parity.sh` started one.
    package static let pythonParity: String? = url(fromEnvironment: "NOVEUM_PARITY_URL")
}

extension ExternalServer {
    /// The spans Phoenix at `base` stores for the trace `traceID` (the `data` of its REST API's answer, with
    /// `parameters` appended to the query), once it holds at least `count` of them. Phoenix stores spans shortly
    /// after answering 200, so this polls every `interval`; nil if they are not there within `timeout`.
    package static func phoenixSpans(
        at base: String, traceID: some Sendable, parameters: String = "", atLeast count: Int, timeout: Duration,
        every interval: Duration
    ) async -> [[String: Any]]? {
        await Loopback.poll(timeout: timeout, every: interval) { () async -> [[String: Any]]? in
            guard let response = await Loopback.get("\(base)/v1/projects/default/spans?trace_id=\(traceID)\(parameters)"),
                response.status == 200,
                let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                let data = object["data"] as? [[String: Any]], data.count >= count
            else { return nil }
            return data
        }
    }
}
