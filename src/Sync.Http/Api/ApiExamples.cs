using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// The examples the OpenAPI document shows for request bodies and for the answers of Bentley's documented flow
/// (storage folder → file → upload → connection → run → changeset). A unit test holds each to its schema.
/// </summary>
public static class ApiExamples
{
    private const string Base = "https://sync.example.com";
    private const string Time = "2026-12-05T10:00:00.0000000Z";
    private static readonly Guid ITwin = Guid.Parse("b1a2c3d4-0000-4000-8000-000000000001");
    private static readonly Guid IModel = Guid.Parse("0c9e7b1a-5d3f-4e2a-8b6c-1f2e3d4c5b6a");
    private const string Root = "1MOisQAAQACAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAA";
    private const string Folder = "1MOisQAAQACAAAAAAAAAAbZq3Xa1F0v6Y7Yt3mZ0q2c";
    private const string FileId = "BwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSY";
    private const string Connection = "Gnuewdc9Kk6LbB8uPUxbapWcZ3lDvU3tk4m1o6a9n0E";
    private const string Run = "f7dc4ae3fd5b5ffff1e6bd28a0b5c3d2e1f0a9b8";
    private const string Changeset = "3b0f4e6a9c2d18e7f5a4b3c2d1e0f9a8b7c6d5e4";

    /// <summary>The example of a request or answer type, or null when it has none.</summary>
    public static object? For(Type type) => type switch
    {
        _ when type == typeof(CreateITwinRequest) => new CreateITwinRequest("Harbour bridge"),
        _ when type == typeof(AddMemberRequest) => new AddMemberRequest("5f1e2b7c-2d4a-4c1e-9a55-0c7f1d2e3b4a", "Member"),
        _ when type == typeof(UpdateMemberRequest) => new UpdateMemberRequest("Reader"),
        _ when type == typeof(CreateIModelRequest) => new CreateIModelRequest(ITwin, "Bridge model", "Design coordination"),
        _ when type == typeof(CreateStorageItemRequest) => new CreateStorageItemRequest("Deck.ifc", "Structural model"),
        _ when type == typeof(UpdateStorageItemRequest) => new UpdateStorageItemRequest("Deck-rev2.ifc", null),
        _ when type == typeof(CreateStorageConnectionRequest) => new CreateStorageConnectionRequest(IModel, "Structure", AuthenticationType.Service, [new StorageSourceFileRequest(FileId, "IFC", true)]),
        _ when type == typeof(CreateManifestConnectionRequest) => new CreateManifestConnectionRequest(IModel, "Documents", AuthenticationType.Service, [new ManifestSourceFileRequest("deck", null)]),
        _ when type == typeof(UpdateConnectionRequest) => new UpdateConnectionRequest("Structure", AuthenticationType.Service, null),
        _ when type == typeof(StorageSourceFileRequest) => new StorageSourceFileRequest(FileId, "IFC", null),
        _ when type == typeof(ManifestSourceFileRequest) => new ManifestSourceFileRequest("deck", null),
        _ when type == typeof(ManifestRunRequest) => new ManifestRunRequest([new ManifestRunFile("deck", null, "Deck.ifc", "https://files.example.com/deck.ifc?sig=…", null, "IFC", null, null, null)]),
        _ when type == typeof(ItemsAnswer) => new ItemsAnswer([FolderView], new ItemsLinks(Link($"/storage/?iTwinId={ITwin}&$skip=0&$top=100"), null, null, Link($"/storage/folders/{Root}"))),
        _ when type == typeof(FolderAnswer) => new FolderAnswer(FolderView),
        _ when type == typeof(UploadLinksAnswer) => new UploadLinksAnswer(new UploadLinks(
            new Link($"https://account.blob.core.windows.net/sync-uploads/{ITwin}/{FileId}/9f2c?sv=2025-01-05&se=2026-12-05T11%3A00%3A00Z&sr=b&sp=cw&sig=…"),
            Link($"/storage/files/{FileId}/complete"))),
        _ when type == typeof(FileAnswer) => new FileAnswer(FileView),
        _ when type == typeof(ConnectionAnswer) => new ConnectionAnswer(new ConnectionView(
            Connection, "Structure", IModel, ITwin, AuthenticationType.Service,
            new ConnectionLinks(Link($"/imodels/{IModel}"), Link($"/itwins/{ITwin}"), Link($"/synchronization/imodels/storageConnections/{Connection}/runs/{Run}")))),
        _ when type == typeof(StorageSourceFileAnswer) => new StorageSourceFileAnswer(new StorageSourceFileView(
            Guid.Parse("6d1f0c2e-8a4b-4f3c-9e2d-1a0b9c8d7e6f"), FileId, "IFC", "Deck.ifc", true, new SourceFileLinks(Link($"/storage/files/{FileId}")))),
        _ when type == typeof(RunAnswer) => new RunAnswer(RunView),
        _ when type == typeof(ChangesetAnswer) => new ChangesetAnswer(new ChangesetView(
            Changeset, 1, string.Empty, "Run f7dc4ae3 of connection Structure", Time, 1, 48213, 1204, 0, 0,
            new SynchronizationInfo(Run, Connection, ["6d1f0c2e-8a4b-4f3c-9e2d-1a0b9c8d7e6f"]),
            new ChangesetLinks(Link($"/imodels/{IModel}/changesets/{Changeset}"), Link($"/imodels/{IModel}/changesets/{Changeset}/download")))),
        _ => null,
    };

    private static StorageItemView FolderView => new(Folder, "folder", "Structure", "Models of the structure", "/Structure", null, "Ada Lovelace", Time, Time, Root, new StorageItemLinks(Link($"/storage/folders/{Folder}"), Link($"/storage/folders/{Root}")));

    private static StorageItemView FileView => new(FileId, "file", "Deck.ifc", "Structural model", "/Structure/Deck.ifc", 1_048_576, "Ada Lovelace", Time, Time, Folder, new StorageItemLinks(Link($"/storage/files/{FileId}"), Link($"/storage/folders/{Folder}"))
    {
        Content = Link($"/storage/files/{FileId}/content"),
        Download = Link($"/storage/files/{FileId}/download"),
    })
    {
        Name = "Deck.ifc",
        ContentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        Version = 1,
        ITwinId = ITwin,
    };

    private static RunView RunView => new(
        Run,
        Connection,
        Time,
        "2026-12-05T10:00:41.5000000Z",
        "MasterFile",
        RunStates.Completed,
        RunResults.Success,
        RunTriggers.Manual,
        null,
        [new JobView($"{Run}-IFC", "IFC", RunStates.Completed, RunResults.Success, Time, "2026-12-05T10:00:40.1000000Z",
        [
            new TaskView("6d1f0c2e-8a4b-4f3c-9e2d-1a0b9c8d7e6f", FileId, null, "Deck.ifc", RunStates.Completed, RunResults.Success, "2026-12-05T10:00:02.0000000Z", "2026-12-05T10:00:40.1000000Z", 0, null,
                new TaskDetailsView(new SynchronizationReport("None", "1204 elements read: 1204 inserted, 0 updated, 0 deleted.", 0, 0, 0, 1204, 0, 0, 1204))),
        ])],
        1,
        1,
        new ChangesetReference(Changeset, 1),
        null,
        "2026-12-05T10:00:41.5000000Z",
        new SelfLink(Link($"/synchronization/imodels/storageConnections/{Connection}/runs/{Run}")));

    private static Link Link(string pathOrUrl) => new(pathOrUrl.StartsWith("https://", StringComparison.Ordinal) ? pathOrUrl : Base + pathOrUrl);
}
