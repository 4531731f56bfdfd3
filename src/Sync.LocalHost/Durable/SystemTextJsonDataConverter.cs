using System.Text.Json;
using DurableTask.Core.Serializing;

namespace Sync.LocalHost.Durable;

/// <summary>
/// Serializes orchestration inputs the way the Durable Task SDK (System.Text.Json) reads them, instead of
/// Core's default Newtonsoft converter, so the client and the shimmed tasks agree on every payload.
/// </summary>
internal sealed class SystemTextJsonDataConverter : DataConverter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public override string Serialize(object value) => JsonSerializer.Serialize(value);

    public override string Serialize(object value, bool formatted) =>
        formatted ? JsonSerializer.Serialize(value, Indented) : JsonSerializer.Serialize(value);

    public override object Deserialize(string data, Type objectType) => JsonSerializer.Deserialize(data, objectType)!;
}
