using System.IO.Hashing;
using System.Text;

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

/// <summary>
/// A link between source files and one iModel (storage or manifest kind). <see cref="OwnerId"/> is the user who
/// created it (null for connections from before owners were recorded): <c>User</c> connections run on their behalf.
/// </summary>
public sealed record Connection(
    string Id,
    ConnectionKind Kind,
    Guid IModelId,
    Guid ITwinId,
    string? DisplayName,
    AuthenticationType AuthenticationType,
    string? LastRunId,
    DateTimeOffset CreatedDateTime,
    string? ActiveRunId = null,
    string? OwnerId = null);

/// <summary>
/// One file of a connection. <see cref="ExternalId"/> is the storage file id (storage connections)
/// or the caller's own document id (manifest connections); it is unique per iModel and kind.
/// <see cref="IsSpatialRoot"/>: the file's coordinate system becomes its iModel's (the 2021 API's <c>isSpatialRoot</c>).
/// </summary>
public sealed record SourceFile(
    Guid Id,
    string ConnectionId,
    string ExternalId,
    string? ConnectorType,
    string? LastKnownFileName,
    bool IsSpatialRoot = false)
{
    /// <summary>
    /// The source file id of a reference file (a manifest file's child, by the caller's id): derived from its
    /// master's id, so the same child of the same master keeps its elements from run to run.
    /// </summary>
    public static Guid ChildId(Guid masterId, string childDocumentId)
    {
        ArgumentNullException.ThrowIfNull(childDocumentId);
        var hash = XxHash128.Hash(Encoding.UTF8.GetBytes($"{masterId:D}/{childDocumentId}"));
        return new Guid(hash);
    }
}
