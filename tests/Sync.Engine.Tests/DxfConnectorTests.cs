using System.Text;
using Sync.Engine.Connectors;
using Sync.Engine.Connectors.Dxf;
using Sync.Engine.Elements;
using Sync.Tests;
using Sync.Tests.Generators;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class DxfConnectorTests
{
    private static Task<(List<SourceElement> Elements, SourceContext Context)> ReadAsync(string text, string name = "plan.dxf") =>
        IfcConnectorTests.ReadAsync(new DxfConnector(), new MemoryStream(Encoding.UTF8.GetBytes(text)), name);

    [TestMethod]
    public async Task Generated_drawing_gives_entities_layers_blocks_attributes_xdata_and_extents_in_metres()
    {
        var (elements, context) = await ReadAsync(new DxfFileWriter { Entities = 10 }.Write());
        Assert.IsEmpty(context.Warnings, string.Join("; ", context.Warnings));
        Assert.AreEqual(10, elements.Count(e => e.ClassName.StartsWith("DWG:", StringComparison.Ordinal) && e.ClassName is not ("DWG:Layer" or "DWG:BlockDefinition")));
        Assert.AreEqual(4, elements.Count(e => e.ClassName == "DWG:Layer"));
        Assert.AreEqual("BLOCK:PUMP", elements.Single(e => e.ClassName == "DWG:BlockDefinition").Identifier);

        var line = elements.Single(e => e.Identifier == DxfFileWriter.Handle(1));
        Assert.AreEqual("DWG:LINE", line.ClassName);
        Assert.AreEqual(new BoundingBox(1, 0, 0, 1.8, 0.4, 0), line.BoundingBox);
        Assert.AreEqual("Layer-1", line.Properties.Single(p => p.Key == "Layer").Value);
        Assert.AreEqual("LAYER:LAYER-1", line.Relationships!.Single(r => r.Type == "layer").TargetIdentifier);

        var circle = elements.Single(e => e.Identifier == DxfFileWriter.Handle(2));
        var circleProperties = circle.Properties.ToDictionary(p => p.Key, p => p.Value);
        Assert.AreEqual("circle 2", circleProperties["XData.SYNCTEST.0"]);
        Assert.AreEqual(42L, circleProperties["XData.SYNCTEST.1"]);
        Assert.AreEqual(1L, circleProperties["Color"]);
        Assert.AreEqual(new BoundingBox(1.7, -0.3, 0, 2.3, 0.3, 0), circle.BoundingBox);

        // INSERT at (4000, 0) mm, scaled 2, turned 90°: the block's circle (r = 250) becomes r = 500 around the insertion point.
        var insert = elements.Single(e => e.Identifier == DxfFileWriter.Handle(4));
        Assert.AreEqual("P-4", insert.Properties.Single(p => p.Key == "Attribute.TAG").Value);
        Assert.AreEqual("BLOCK:PUMP", insert.Relationships!.Single(r => r.Type == "block").TargetIdentifier);
        // The block's attribute definition at (0, -300) lands at x = 4000 + 600: the box reaches 4.6 m.
        Assert.AreEqual(new BoundingBox(3.5, -0.5, 0, 4.6, 0.5, 0), insert.BoundingBox);
    }

    [TestMethod]
    public async Task Real_drawings_read_with_their_layers()
    {
        foreach (string path in RealFiles.Drawings)
        {
            await using var file = File.OpenRead(path);
            var (elements, _) = await IfcConnectorTests.ReadAsync(new DxfConnector(), file, Path.GetFileName(path));
            var entities = elements.Where(e => e.ClassName is not ("DWG:Layer" or "DWG:BlockDefinition")).ToList();
            Assert.IsNotEmpty(entities, path);
            var layers = elements.Where(e => e.ClassName == "DWG:Layer").Select(e => e.Identifier).ToHashSet();
            Assert.IsTrue(entities.All(e => layers.Contains(e.Relationships!.Single(r => r.Type == "layer").TargetIdentifier)), path);
            Assert.IsTrue(entities.All(e => e.BoundingBox is not null), $"{path}: every entity has extents");
            Assert.AreEqual(elements.Count, elements.Select(e => e.Identifier).Distinct().Count(), path);
        }
    }

    [TestMethod]
    public async Task Binary_DXF_and_DWG_are_refused_with_what_to_do()
    {
        var binary = new MemoryStream([.. "AutoCAD Binary DXF\r\n\u001a\0"u8, 0, 0, 0]);
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => IfcConnectorTests.ReadAsync(new DxfConnector(), binary, "b.dxf"));
        StringAssert.Contains(error.Message, "save it as ASCII DXF");
        var dwg = new MemoryStream("AC1032\0\0\0\0"u8.ToArray());
        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => IfcConnectorTests.ReadAsync(new DxfConnector(), dwg, "plan.dwg"));
        StringAssert.Contains(error.Message, "save it as ASCII DXF");
        Assert.AreSame(typeof(DxfConnector), ConnectorRegistry.Default.Resolve("DWG", "plan.dwg").GetType(), "a .dwg reaches the connector, which explains");
    }

    [TestMethod]
    public async Task Broken_group_codes_and_truncation_name_the_line()
    {
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync("0\nSECTION\n2\nENTITIES\n0\nLINE\nxx\n1\n"));
        StringAssert.Contains(error.Message, "line 7");
        error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => ReadAsync("0\nSECTION\n2\nENTITIES\n0\nLINE\n8\n0\n"));
        StringAssert.Contains(error.Message, "truncated");
    }

    [TestMethod]
    public async Task A_gigabyte_line_is_refused_after_reading_little_of_it()
    {
        var endless = new EndlessLineStream("0\nSECTION\n2\nENTITIES\n0\nTEXT\n1\n"u8.ToArray(), 1L << 30);
        var error = await Assert.ThrowsExactlyAsync<SourceFormatException>(() => IfcConnectorTests.ReadAsync(new DxfConnector(), endless, "huge.dxf"));
        StringAssert.Contains(error.Message, "line 8");
        StringAssert.Contains(error.Message, "longer than 1 MiB");
        Assert.IsLessThan(4L << 20, endless.Position, "the reader stops at the cap instead of buffering the line");
    }

    [TestMethod]
    public async Task Byte_order_mark_CRLF_comments_and_trailing_blank_lines_are_read()
    {
        string body = string.Concat(Enumerable.Repeat("999\r\na comment\r\n", 100_000))
            + "0\r\nSECTION\r\n2\r\nENTITIES\r\n0\r\nPOINT\r\n5\r\n1F\r\n8\r\nLevel 1 é\r\n10\r\n1.5\r\n20\r\n2\r\n30\r\n0\r\n0\r\nENDSEC\r\n0\r\nEOF\r\n\r\n\r\n";
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(body)).ToArray();
        var (elements, _) = await IfcConnectorTests.ReadAsync(new DxfConnector(), new MemoryStream(bytes), "p.dxf");
        var point = elements.Single(e => e.Identifier == "1F");
        Assert.AreEqual("Level 1 é", point.Properties.Single(p => p.Key == "Layer").Value);
        Assert.AreEqual(new BoundingBox(1.5, 2, 0, 1.5, 2, 0), point.BoundingBox);
    }

    [TestMethod]
    public async Task A_block_that_contains_itself_is_not_expanded_forever()
    {
        string drawing = "0\nSECTION\n2\nBLOCKS\n0\nBLOCK\n2\nLOOP\n10\n0\n20\n0\n0\nINSERT\n2\nLOOP\n10\n1\n20\n1\n0\nLINE\n10\n0\n20\n0\n11\n1\n21\n1\n0\nENDBLK\n0\nENDSEC\n"
            + "0\nSECTION\n2\nENTITIES\n0\nINSERT\n5\nA1\n8\n0\n2\nLOOP\n10\n0\n20\n0\n0\nENDSEC\n0\nEOF\n";
        var (elements, context) = await ReadAsync(drawing);
        Assert.IsNotNull(elements.Single(e => e.Identifier == "A1").BoundingBox);
        Assert.IsTrue(context.Warnings.Any(w => w.Contains("contains itself", StringComparison.Ordinal)));
    }

    /// <summary>A prefix, then one line of 'A's as long as asked, produced lazily; it counts what was read.</summary>
    private sealed class EndlessLineStream(byte[] prefix, long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => prefix.Length + length;

        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = (int)Math.Min(count, Length - Position);
            for (int i = 0; i < n; i++)
            {
                long at = Position + i;
                buffer[offset + i] = at < prefix.Length ? prefix[at] : (byte)'A';
            }

            Position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
