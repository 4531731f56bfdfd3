using System.Text.Json;

namespace Sync.Engine.Connectors;

/// <summary>JSON values as property values: strings, integers (long), other numbers (double), booleans; objects and arrays as their JSON text; null as nothing.</summary>
internal static class JsonValues
{
    public static object? Typed(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetInt64(out long n) ? (object)n : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
        _ => null,
    };
}
