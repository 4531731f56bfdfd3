using Sync.Engine.Model;
using Sync.Engine.Runs;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>Manifest connections: source files are the caller's own document ids; URLs and connectors come with each run.</summary>
public sealed class ManifestConnectionsApi(IIModelStore iModels, IConnectionStore connections, ConnectionRemoval removal, AccessControl access)
    : ConnectionsApiBase(iModels, connections, removal, access)
{
    protected override ConnectionKind Kind => ConnectionKind.Manifest;

    protected override string Segment => "manifestConnections";

    protected override string ConnectionErrorCode => ErrorCodes.InvalidManifestConnectionRequest;

    protected override string SourceFileErrorCode => ErrorCodes.InvalidManifestConnectionSourceFileRequest;

    protected override string SourceFileNotFoundCode => ErrorCodes.ManifestConnectionSourceFileNotFound;

    protected override string ExternalIdName => "sourceFileId";

    protected override Task<SourceFile?> ReadSourceFileAsync(JsonBody body, Connection connection, Guid sourceFileId, CancellationToken cancellationToken)
    {
        string? externalId = body.RequiredString("sourceFileId", maxLength: 256);
        return Task.FromResult(externalId is null ? null : new SourceFile(sourceFileId, connection.Id, externalId, null, null));
    }

    protected override object SourceFileAnswer(ApiRequest request, SourceFile file) => new ManifestSourceFileAnswer(Present(request, file));

    protected override object SourceFilesAnswer(ApiRequest request, IEnumerable<SourceFile> page, PageLinks links, bool representation) =>
        new ManifestSourceFilesAnswer(page.Select(f => Present(request, f)).ToList(), links);

    private ManifestSourceFileView Present(ApiRequest request, SourceFile file) =>
        new(file.Id, file.ExternalId, file.IsSpatialRoot, new SourceFileLinks(new Link(SourceFileSelf(request, file))));
}
