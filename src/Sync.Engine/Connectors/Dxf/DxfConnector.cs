using System.Runtime.CompilerServices;
using Sync.Engine.Elements;

namespace Sync.Engine.Connectors.Dxf;

/// <summary>
/// DWG connector type, for ASCII DXF drawings (R12 to R2018): one element per model-space entity (identifier =
/// handle), class DWG:&lt;entity type&gt;; layers and block definitions as elements of their own, linked from the
/// entities that use them; layer, linetype, colour, lineweight, text, XDATA and block attributes as properties;
/// world extents in metres ($INSUNITS), block references expanded through nested, scaled, rotated and arrayed
/// blocks. Binary DXF and .dwg files are refused with a message that says to save as ASCII DXF.
/// </summary>
public sealed class DxfConnector : IConnector
{
    public string ConnectorType => "DWG";

    public IReadOnlyList<string> Extensions { get; } = ["dxf", "dwg"];

    public string Version => "1.0.1"; // 1.0.1: a repeated property name keeps its first value, whatever the sort

    public string SchemaAlias => "DWG";

    public IReadOnlyList<string> SettingNames { get; } = [];

    public async IAsyncEnumerable<SourceElement> ReadAsync(Stream content, SourceContext context, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(context);
        if (context.FileName.EndsWith(".dwg", StringComparison.OrdinalIgnoreCase))
        {
            throw new SourceFormatException($"'{context.FileName}' is a DWG drawing, which is not read: save it as ASCII DXF (R12 to R2018) and synchronize that file.");
        }

        await DxfReader.RejectBinaryAsync(content, context.FileName, cancellationToken).ConfigureAwait(false);
        var reader = new DxfReader(content, context.FileName);
        var drawing = new DxfDrawing(context);
        bool sawEntities = false;
        bool ended = false;
        while (await reader.NextRecordAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            if (record.Type == "EOF")
            {
                ended = true;
                break;
            }

            if (record.Type != "SECTION")
            {
                throw reader.Error(record.Line, $"expected SECTION or EOF but found {record.Type}");
            }

            string section = record.Text(2) ?? string.Empty;
            if (section == "HEADER")
            {
                // The header's variables are groups of the SECTION record itself: no record (code 0) comes before ENDSEC.
                drawing.Header(record);
            }

            if (section == "ENTITIES")
            {
                sawEntities = true;
                await foreach (var entity in ReadSectionAsync(reader, cancellationToken).ConfigureAwait(false))
                {
                    // An entity's element keeps nothing of its record (only the BLOCKS and TABLES sections' records are kept).
                    var element = drawing.Entity(entity);
                    reader.Recycle(entity);
                    if (element is not null)
                    {
                        yield return element;
                    }
                }

                continue;
            }

            await foreach (var item in ReadSectionAsync(reader, cancellationToken).ConfigureAwait(false))
            {
                switch (section)
                {
                    case "TABLES":
                        drawing.Table(item);
                        break;
                    case "BLOCKS":
                        drawing.Block(item);
                        break;
                }
            }
        }

        if (!ended && !sawEntities)
        {
            throw reader.Error(reader.Line, "the file ends before its ENTITIES section (truncated?)");
        }

        foreach (var element in drawing.Definitions())
        {
            yield return element;
        }

        drawing.Finish();
    }

    /// <summary>
    /// The records of the current section up to ENDSEC, with followers attached: the VERTEXes of a POLYLINE and
    /// the ATTRIBs of an INSERT (up to their SEQEND), the entities of a BLOCK (up to ENDBLK).
    /// </summary>
    private static async IAsyncEnumerable<DxfRecord> ReadSectionAsync(DxfReader reader, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        DxfRecord? block = null;
        DxfRecord? owner = null;
        while (true)
        {
            var record = await reader.NextRecordAsync(cancellationToken).ConfigureAwait(false)
                ?? throw reader.Error(reader.Line, "the file ends inside a section (truncated?)");
            if (owner is not null)
            {
                if (record.Type is "VERTEX" or "ATTRIB")
                {
                    owner.Followers.Add(record);
                    continue;
                }

                // Complete: its SEQEND (or, in careless writers, the next entity) ends it.
                var complete = owner;
                owner = null;
                if (block is not null)
                {
                    block.Followers.Add(complete);
                }
                else
                {
                    yield return complete;
                }

                if (record.Type == "SEQEND")
                {
                    continue;
                }
            }

            if (record.Type == "ENDSEC")
            {
                if (block is not null)
                {
                    yield return block;
                }

                yield break;
            }

            if (record.Type == "BLOCK")
            {
                block = record;
                continue;
            }

            if (record.Type == "POLYLINE" || (record.Type == "INSERT" && record.Integer(66) == 1))
            {
                owner = record;
                continue;
            }

            if (record.Type == "SEQEND")
            {
                continue;
            }

            if (block is not null)
            {
                if (record.Type == "ENDBLK")
                {
                    yield return block;
                    block = null;
                }
                else
                {
                    block.Followers.Add(record);
                }

                continue;
            }

            yield return record;
        }
    }
}
