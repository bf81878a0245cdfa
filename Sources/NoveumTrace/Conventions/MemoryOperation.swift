/// What an agent does with its memory, as OpenTelemetry's GenAI conventions name it (`gen_ai.operation.name`).
///
/// Pass one to ``NoveumTrace/traceMemory(_:store:recordID:recordCount:query:attributes:isolation:_:)``; the span is
/// named after the operation (`search_memory`, `create_memory`, …).
public enum MemoryOperation: String, Sendable, Hashable, CaseIterable {
    /// Looks memories up (`search_memory`).
    case search = "search_memory"
    /// Stores new memory records (`create_memory`).
    case create = "create_memory"
    /// Changes memory records that exist (`update_memory`).
    case update = "update_memory"
    /// Creates or updates records without the caller choosing which (`upsert_memory`).
    case upsert = "upsert_memory"
    /// Deletes memory records; without a record id, all of a store's (`delete_memory`).
    case delete = "delete_memory"
    /// Creates a memory store (`create_memory_store`).
    case createStore = "create_memory_store"
    /// Deletes a memory store (`delete_memory_store`).
    case deleteStore = "delete_memory_store"
}
