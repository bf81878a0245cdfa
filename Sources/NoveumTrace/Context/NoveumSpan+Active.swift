extension NoveumSpan {
    /// Runs `operation` with this span active, without ending it: spans started inside (inline closures, manual
    /// spans without a parent, captured HTTP calls, swift-distributed-tracing spans) become its children.
    ///
    /// For a span started by hand that should be the parent of work running elsewhere, such as a request span
    /// opened where the request arrives and handled in another task:
    ///
    /// ```swift
    /// let request = client.startSpan(name: "handle_job", kind: .server)
    /// let answer = try await request.withActive { try await agent.run(job) }
    /// client.finishSpan(request)
    /// ```
    ///
    /// - Parameters:
    ///   - isolation: the actor `operation` runs on; the caller's by default.
    ///   - operation: the work to run with this span active.
    /// - Returns: what `operation` returns.
    public func withActive<T, E: Error>(
        isolation: isolated (any Actor)? = #isolation, _ operation: () async throws(E) -> T
    ) async throws(E) -> T {
        let result: Result<T, E> = await ActiveSpan.binding.withValue(binding) {
            do throws(E) {
                return .success(try await operation())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Runs synchronous `operation` with this span active, without ending it.
    ///
    /// - Parameter operation: the work to run with this span active.
    /// - Returns: what `operation` returns.
    public func withActive<T, E: Error>(_ operation: () throws(E) -> T) throws(E) -> T {
        let result: Result<T, E> = ActiveSpan.binding.withValue(binding) {
            do throws(E) {
                return .success(try operation())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
