using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Sync.Http.Routing;
using Sync.Tests;

namespace Sync.Http.Tests;

[TestClass]
public sealed class OpenApiExamplesTests
{
    [TestMethod]
    public void Every_example_in_the_document_matches_its_own_schema_and_the_documented_flow_has_them()
    {
        var document = JsonNode.Parse(OpenApiDescription.Json("r", "w"))!.AsObject();
        var schemas = document["components"]!["schemas"]!.AsObject();
        var checkedExamples = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                string id = (string)operation!["operationId"]!;
                var media = new List<(string Where, JsonNode? Content)> { ("request", operation["requestBody"]?["content"]?["application/json"]) };
                media.AddRange(operation["responses"]!.AsObject().Select(r => ($"{r.Key} answer", r.Value!["content"]?["application/json"])));
                foreach (var (where, content) in media)
                {
                    if (content?["example"] is not { } example)
                    {
                        continue;
                    }

                    var schema = JsonSchema.FromText(OpenApiSchemas.Inline(content["schema"]!, schemas).ToJsonString());
                    var result = schema.Evaluate(JsonDocument.Parse(example.ToJsonString()).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                    Assert.IsTrue(result.IsValid, $"{id} {where}: " + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}"))));
                    checkedExamples.Add($"{id} {where}");
                }
            }
        }

        foreach (string expected in new[] { "GetStorageTopLevel 2XX answer", "CreateFolderFile request", "CreateFolderFile 2XX answer", "CompleteFileUpload 2XX answer", "CreateStorageConnection request", "CreateStorageConnection 2XX answer", "GetStorageConnectionRun 2XX answer", "GetChangeset 2XX answer", "GetIModel 404 answer" })
        {
            CollectionAssert.Contains(checkedExamples, expected);
        }
    }
}
