using System.Text.Json.Serialization;
using Sync.Engine.Stores;
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
    SynchronizationInfo SynchronizationInfo,
    [property: JsonPropertyName("_links")] ChangesetLinks Links);

public sealed record ChangesetLinks(Link Self, Link Download);

public sealed record ChangesetAnswer(ChangesetView Changeset);

public sealed record ChangesetsAnswer(IReadOnlyList<ChangesetView> Changesets, [property: JsonPropertyName("_links")] PageLinks Links);
