using System.Text.Json.Serialization;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// The Storage API's answers as declared types: the handlers answer them and the OpenAPI document describes them
/// (<see cref="Routing.ApiRoute.Answer"/>), so a test can hold every answer to its schema.
/// </summary>
/// <param name="Type"><c>file</c> or <c>folder</c>.</param>
/// <param name="Size">Files only: bytes of the current version.</param>
public sealed record StorageItemView(
    string Id,
    string Type,
    string DisplayName,
    string? Description,
    string Path,
    long? Size,
    string? LastModifiedByDisplayName,
    string CreatedDateTime,
    string LastModifiedDateTime,
    string? ParentFolderId,
    [property: JsonPropertyName("_links")] StorageItemLinks Links)
{
    /// <summary>Ours, files only: the file's name (= displayName), SHA-256 of its content, its version and iTwin.</summary>
    public string? Name { get; init; }

    public string? ContentHash { get; init; }

    public int? Version { get; init; }

    public Guid? ITwinId { get; init; }
}

public sealed record StorageItemLinks(Link Self, Link? ParentFolder)
{
    public Link? Content { get; init; }

    public Link? Download { get; init; }
}

public sealed record FileAnswer(StorageItemView File);

public sealed record FolderAnswer(StorageItemView Folder);

public sealed record FilesAnswer(IReadOnlyList<StorageItemView> Files, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record FoldersAnswer(IReadOnlyList<StorageItemView> Folders, [property: JsonPropertyName("_links")] PageLinks Links);

public sealed record ItemsAnswer(IReadOnlyList<StorageItemView> Items, [property: JsonPropertyName("_links")] ItemsLinks Links);

/// <summary>A page's links; the top-level listing adds <c>folder</c>, the iTwin's root folder.</summary>
public sealed record ItemsLinks(Link Self, Link? Prev, Link? Next, Link? Folder = null);

public sealed record UploadLinksAnswer([property: JsonPropertyName("_links")] UploadLinks Links);

public sealed record UploadLinks(Link UploadUrl, Link CompleteUrl);
