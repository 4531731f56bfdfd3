using System.Runtime.InteropServices;
using Sync.Engine.Elements;

namespace Sync.Engine.Changes;

/// <summary>
/// The work on a batch of elements that does not depend on the elements before it: ids, parent ids, resolved
/// relationships, checksums and — when every element is known to be new (the file has no baseline) — their whole
/// insert lines. Batches are prepared in parallel on the thread pool while the diff applies them in file order, so a
/// first sync's checksums and JSON use both cores instead of one. An instance is reused batch after batch; it is not
/// shared by two batches at once.
/// </summary>
internal sealed class PreparedBatch(FileSyncRequest request)
{
    private const int CachedTargetIds = 65_536;

    private readonly CanonicalElement _canonical = new();
    // Grows to a batch's lines (about 90 KB for 256 register rows); small files never need more than they write.
    private readonly CompactJsonWriter _lines = new(16 * 1024);

    // Targets repeat (every entity of a layer points at it): their ids are computed once per preparer.
    private readonly Dictionary<string, long> _targetIds = new(StringComparer.Ordinal);
    private readonly List<ResolvedRelationship> _relationships = [];
    private readonly List<ResolvedRelationship> _resolving = [];
    private readonly List<(long Id, string Identifier)> _targets = [];
    private long[] _ids = [];
    private long[] _parents = [];
    private UInt128[] _checksums = [];
    private int[] _relationshipStarts = [];
    private int[] _targetStarts = [];
    private int[] _lineEnds = [];

    public List<SourceElement> Elements { get; private set; } = [];

    /// <summary>Whether <see cref="InsertLine"/> holds each element's insert line.</summary>
    public bool HasInsertLines { get; private set; }

    public long IdAt(int index) => _ids[index];

    public long ParentAt(int index) => _parents[index];

    public UInt128 ChecksumAt(int index) => _checksums[index];

    /// <summary>The element's relationships with element ids, sorted by type and target.</summary>
    public ReadOnlySpan<ResolvedRelationship> RelationshipsAt(int index) =>
        CollectionsMarshal.AsSpan(_relationships)[_relationshipStarts[index].._relationshipStarts[index + 1]];

    /// <summary>The ids the element points at (its parent first), each with the identifier it was written as.</summary>
    public ReadOnlySpan<(long Id, string Identifier)> TargetsAt(int index) =>
        CollectionsMarshal.AsSpan(_targets)[_targetStarts[index].._targetStarts[index + 1]];

    /// <summary>The element's changeset line as an insert (ending in a line feed); only when <see cref="HasInsertLines"/>.</summary>
    public ReadOnlySpan<byte> InsertLine(int index) => _lines.Written[(index == 0 ? 0 : _lineEnds[index - 1]).._lineEnds[index]];

    public PreparedBatch Prepare(List<SourceElement> elements, bool insertLines)
    {
        Elements = elements;
        HasInsertLines = insertLines;
        int count = elements.Count;
        EnsureCapacity(count);
        _relationships.Clear();
        _targets.Clear();
        _lines.Clear();
        for (int i = 0; i < count; i++)
        {
            var element = elements[i];
            long id = ElementId.For(request.IModelId, request.SourceFileId, element.Identifier);
            long parent = element.ParentIdentifier is null ? 0 : ElementId.For(request.IModelId, request.SourceFileId, element.ParentIdentifier);
            _ids[i] = id;
            _parents[i] = parent;
            _relationshipStarts[i] = _relationships.Count;
            _targetStarts[i] = _targets.Count;
            var relationships = Resolve(element, parent);
            _checksums[i] = _canonical.Checksum(element, request.SourceFileId, parent, relationships);
            if (insertLines)
            {
                _canonical.WriteJson(element, request.SourceFileId, parent, relationships);
                ChangeLineWriter.FormatElement(_lines, "insert", id, _checksums[i], _canonical.Json);
                _lineEnds[i] = _lines.Written.Length;
            }
        }

        _relationshipStarts[count] = _relationships.Count;
        _targetStarts[count] = _targets.Count;
        return this;
    }

    /// <summary>Appends the element's relationships, resolved to ids and sorted, and its targets; returns them.</summary>
    private List<ResolvedRelationship>? Resolve(SourceElement element, long parent)
    {
        if (parent != 0)
        {
            _targets.Add((parent, element.ParentIdentifier!));
        }

        if (element.Relationships is not { Count: > 0 } declared)
        {
            return null;
        }

        _resolving.Clear();
        foreach (var relationship in declared)
        {
            if (!_targetIds.TryGetValue(relationship.TargetIdentifier, out long target))
            {
                target = ElementId.For(request.IModelId, request.SourceFileId, relationship.TargetIdentifier);
                if (_targetIds.Count < CachedTargetIds)
                {
                    _targetIds[relationship.TargetIdentifier] = target;
                }
            }

            _resolving.Add(new ResolvedRelationship(relationship.Type, target));
            _targets.Add((target, relationship.TargetIdentifier));
        }

        _resolving.Sort(ResolvedRelationship.Compare);
        _relationships.AddRange(_resolving);
        return _resolving;
    }

    private void EnsureCapacity(int count)
    {
        if (_ids.Length >= count)
        {
            return;
        }

        _ids = new long[count];
        _parents = new long[count];
        _checksums = new UInt128[count];
        _relationshipStarts = new int[count + 1];
        _targetStarts = new int[count + 1];
        _lineEnds = new int[count];
    }
}
