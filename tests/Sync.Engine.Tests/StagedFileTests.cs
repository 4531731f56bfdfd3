using System.Text.Json;
using Sync.Engine.Changes;

namespace Sync.Engine.Tests;

[TestClass]
public sealed class StagedFileTests
{
    /// <summary>Staged files travel between durable activities as JSON: one staged by an earlier version must still push.</summary>
    [TestMethod]
    public void A_staged_file_from_before_the_content_hash_changed_still_reads()
    {
        const string earlier = """
            {"SourceFileId":"f1","Marker":"m","ConnectorType":"PSEXCEL","ConnectorVersion":"1","BaseSnapshot":null,"NewSnapshot":"s","ElementCount":2,
             "OperationsBlob":"ops","OperationsSha1":"0123456789abcdef0123456789abcdef01234567","OperationsBytes":10,"Inserted":2,"Updated":0,"Deleted":0,"Schema":{}}
            """;
        var staged = JsonSerializer.Deserialize<StagedFile>(earlier)!;
        Assert.AreEqual("0123456789abcdef0123456789abcdef01234567", staged.OperationsHash);

        string written = JsonSerializer.Serialize(staged with { OperationsHash = "00ff" });
        StringAssert.Contains(written, "\"OperationsSha1\":\"00ff\"", "the wire name stays, so an earlier host reads it too");
        Assert.AreEqual("00ff", JsonSerializer.Deserialize<StagedFile>(written)!.OperationsHash);
    }
}
