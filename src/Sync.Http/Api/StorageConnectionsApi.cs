using Sync.Engine.Catalog;
using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Storage connections: source files are files of our iTwin storage, each with a connector type.</summary>
public sealed class StorageConnectionsApi(IIModelStore iModels, IConnectionStore connections, ConnectionRemoval removal, IStorageFileStore files, AccessControl access)
    : ConnectionsApiBase(iModels, connections, removal, access)
{
    protected override ConnectionKind Kind => ConnectionKind.Storage;

    protected override string Segment => "storageConnections";

    protected override string ConnectionErrorCode => ErrorCodes.InvalidStorageConnectionRequest;

    protected override string SourceFileErrorCode => ErrorCodes.InvalidStorageConnectionSourceFileRequest;

    protected override string SourceFileNotFoundCode => ErrorCodes.StorageConnectionSourceFileNotFound;

    protected override string ExternalIdName => "storageFileId";

    protected override async Task<SourceFile?> ReadSourceFileAsync(JsonBody body, Connection connection, Guid sourceFileId, CancellationToken cancellationToken)
    {
        string? storageFileId = body.RequiredString("storageFileId", maxLength: 128);
        string? connectorText = body.RequiredString("connectorType", maxLength: 64);
        string? connectorType = ConnectorTypes.Normalize(connectorText);
        if (connectorText is not null && connectorType is null)
        {
            body.Problem(ErrorCodes.InvalidValue, $"'{connectorText}' is not a connector type. Use one of: {string.Join(", ", ConnectorTypes.All)}.", "connectorType");
        }

        if (storageFileId is null)
        {
            return null;
        }

        var file = await files.GetAsync(storageFileId, cancellationToken);
        if (file is null || file.ITwinId != connection.ITwinId)
        {
            body.Problem(ErrorCodes.InvalidValue, $"Storage file '{storageFileId}' does not exist in the iModel's iTwin.", "storageFileId");
            return null;
        }

        return connectorType is null ? null : new SourceFile(sourceFileId, connection.Id, storageFileId, connectorType, file.Name);
    }

    protected override object SourceFileAnswer(ApiRequest request, SourceFile file) => new StorageSourceFileAnswer(Present(request, file, representation: true));

    protected override object SourceFilesAnswer(ApiRequest request, IEnumerable<SourceFile> page, PageLinks links, bool representation) =>
        new StorageSourceFilesAnswer(page.Select(f => Present(request, f, representation)).ToList(), links);

    private static StorageSourceFileView Present(ApiRequest request, SourceFile file, bool representation) => new(
        file.Id,
        file.ExternalId,
        representation ? file.ConnectorType : null,
        file.LastKnownFileName,
        file.IsSpatialRoot,
        new SourceFileLinks(new Link(StorageFilesApi.Self(request, file.ExternalId))));
}
