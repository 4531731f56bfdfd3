using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Sync.Tests;

namespace Sync.LocalHost.Tests;

/// <summary>
/// Holds every exchange the tests make to the host's own OpenAPI document: each JSON answer to the schema the
/// document gives for its operation and status (the success schema, the error format, or the one with
/// <c>Prefer: return=representation</c>), and each JSON request that succeeded to the operation's request schema.
/// So every test of the suite is also a test that the document tells clients the truth.
/// </summary>
internal sealed partial class OpenApiConformance
{
    private readonly JsonObject _document;
    private readonly List<(string Method, Regex Path, JsonObject Operation)> _operations = [];
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    private OpenApiConformance(JsonObject document)
    {
        _document = document;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            var pattern = new Regex("^" + PathParameter().Replace(Regex.Escape(path), "[^/]+") + "$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
            foreach (var (method, operation) in item!.AsObject())
            {
                _operations.Add((method.ToUpperInvariant(), pattern, operation!.AsObject()));
            }
        }
    }

    private static Task<OpenApiConformance>? _shared;

    /// <summary>The document is the same for every host of a build; it is read from the first that asks.</summary>
    public static Task<OpenApiConformance> ForAsync(Uri baseAddress)
    {
        return LazyInitializer.EnsureInitialized(ref _shared, () => LoadAsync(baseAddress));

        static async Task<OpenApiConformance> LoadAsync(Uri baseAddress)
        {
            using var anonymous = new HttpClient { BaseAddress = baseAddress };
            return new OpenApiConformance(JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/openapi.json", UriKind.Relative)))!.AsObject());
        }
    }

    /// <summary>Fails the test when the exchange does not match the document (exchanges outside it, such as /dev/token, pass).</summary>
    public void Check(HttpMethod method, string path, string? requestJson, bool representation, HttpStatusCode status, string? responseJson)
    {
        string bare = path.Split('?')[0];
        var operation = _operations.FirstOrDefault(o => o.Method == method.Method && o.Path.IsMatch(bare)).Operation;
        if (operation is null)
        {
            return;
        }

        string id = (string)operation["operationId"]!;
        int code = (int)status;
        if (responseJson is { Length: > 0 })
        {
            var responses = operation["responses"]!.AsObject();
            var response = responses[code.ToString(System.Globalization.CultureInfo.InvariantCulture)]
                ?? (code is >= 200 and < 300 ? responses["2XX"] : responses["default"]);
            Assert.IsNotNull(response, $"{id}: the document gives no response for {code}");
            var schema = response["content"]?["application/json"]?["schema"];
            Assert.IsNotNull(schema, $"{id}: {code} answered JSON, but the document declares no JSON answer: {responseJson}");
            Validate(id, $"{code} answer", Choose(schema, representation), responseJson);
        }

        if (requestJson is not null && code is >= 200 and < 300)
        {
            var schema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
            Assert.IsNotNull(schema, $"{id}: accepted a JSON body the document does not declare: {requestJson}");
            Validate(id, "request", schema, requestJson);
        }
    }

    /// <summary>Validates against the operation's success schema (tests that check an answer by name).</summary>
    public void CheckSuccess(string operationId, JsonElement answer)
    {
        var operation = _operations.Single(o => (string?)o.Operation["operationId"] == operationId).Operation;
        Validate(operationId, "answer", operation["responses"]!["2XX"]!["content"]!["application/json"]!["schema"]!, answer.GetRawText());
    }

    /// <summary>A list answer's schema is anyOf [short, representation]; hold each answer to the one its request asked for.</summary>
    private static JsonNode Choose(JsonNode schema, bool representation) =>
        schema["anyOf"] is JsonArray { Count: 2 } forms ? forms[representation ? 1 : 0]! : schema;

    private void Validate(string operationId, string what, JsonNode schema, string json)
    {
        var compiled = Compile(schema);
        var result = compiled.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.IsTrue(
            result.IsValid,
            $"{operationId}: the {what} does not match the document: "
            + string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} {e.Value}")))
            + $"\n{json}");
    }

    private JsonSchema Compile(JsonNode schema)
    {
        string key = schema.ToJsonString();
        lock (_lock)
        {
            if (!_schemas.TryGetValue(key, out var compiled))
            {
                compiled = JsonSchema.FromText(OpenApiSchemas.Inline(schema, _document["components"]!["schemas"]!.AsObject()).ToJsonString());
                _schemas[key] = compiled;
            }

            return compiled;
        }
    }

    [GeneratedRegex(@"\\\{[A-Za-z*]+}")]
    private static partial Regex PathParameter();
}
