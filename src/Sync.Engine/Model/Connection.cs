namespace Sync.Engine.Model;

public enum ConnectionKind
{
    Storage,
    Manifest,
}

public enum AuthenticationType
{
    User,
    Service,
}

/// <summary>A link between source files and one iModel (storage or manifest kind).</summary>
public sealed record Connection(
    string Id,
    ConnectionKind Kind,
    Guid IModelId,
    Guid ITwinId,
    string? DisplayName,
    AuthenticationType AuthenticationType,
    string? LastRunId,
    DateTimeOffset CreatedDateTime,
    string? ActiveRunId = null);

/// <summary>
/// One file of a connection. <see cref="ExternalId"/> is the storage file id (storage connections)
/// or the caller's own document id (manifest connections); it is unique per iModel and kind.
/// </summary>
public sealed record SourceFile(
    Guid Id,
    string ConnectionId,
    string ExternalId,
    string? ConnectorType,
    string? LastKnownFileName);
