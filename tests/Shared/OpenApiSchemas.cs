using System.Text.Json.Nodes;

namespace Sync.Tests;

/// <summary>Schemas of an OpenAPI document made self-contained for a JSON Schema validator.</summary>
internal static class OpenApiSchemas
{
    /// <summary>A copy of <paramref name="schema"/> with every <c>#/components/schemas/…</c> reference replaced by that component (they do not recurse).</summary>
    public static JsonNode Inline(JsonNode schema, JsonObject components)
    {
        var node = schema.DeepClone();
        if (node is JsonObject { Count: 1 } reference && reference["$ref"] is JsonValue target && ((string)target!).StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            return Inline(components[((string)target!)["#/components/schemas/".Length..]]!, components);
        }

        if (node is JsonObject obj)
        {
            foreach (var (name, child) in obj.ToList())
            {
                if (child is not null)
                {
                    obj[name] = Inline(child, components);
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                if (array[i] is { } child)
                {
                    array[i] = Inline(child, components);
                }
            }
        }

        return node;
    }
}
