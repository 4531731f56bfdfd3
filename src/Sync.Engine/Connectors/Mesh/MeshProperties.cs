using System.Text.Json;
using System.Text.Json.Nodes;

namespace Sync.Engine.Connectors.Mesh;

/// <summary>Metadata of mesh formats as typed properties.</summary>
internal static class MeshProperties
{
    private const int MaxDepth = 8;

    /// <summary>JSON (glTF extras) flattened: objects into "Prefix.key.key", scalars typed, arrays as their JSON text.</summary>
    public static void AddJson(List<KeyValuePair<string, object>> properties, string prefix, JsonNode? node, int depth = 0)
    {
        switch (node)
        {
            case null:
                return;
            case JsonObject obj when depth < MaxDepth:
                foreach (var (key, value) in obj)
                {
                    AddJson(properties, prefix + "." + key, value, depth + 1);
                }

                return;
            case JsonValue value:
                if (JsonValues.Typed(value.GetValue<JsonElement>()) is { } typed)
                {
                    properties.Add(new(prefix, typed));
                }

                return;
            default:
                properties.Add(new(prefix, node.ToJsonString()));
                return;
        }
    }
}
