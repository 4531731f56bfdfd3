using System.Text.Json.Serialization;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>A changeset: its place in the chain, its counts, and the run that pushed it.</summary>
public sealed record ChangesetView(
    string Id,
    int Index,
    string ParentId,
    string Description,
    string PushDateTime,
    int ContainingChanges,
    long FileSize,
    int Inserted,
    int Updated,
    int Deleted,
    SynchronizationInfoView SynchronizationInfo,
    [property: JsonPropertyName("_links")] ChangesetLinks Links);

/// <summary>The run that pushed a changeset and the source files whose changes it holds.</summary>
public sealed record SynchronizationInfoView(string RunId, string? ConnectionId, IReadOnlyList<string> ChangedFiles);

public sealed record ChangesetLinks(Link Self, Link Download);

public sealed record ChangesetAnswer(ChangesetView Changeset);

public sealed record ChangesetsAnswer(IReadOnlyList<ChangesetView> Changesets, [property: JsonPropertyName("_links")] PageLinks Links);
