using System.Globalization;

namespace Sync.Engine.Connectors;

/// <summary>
/// Identifiers from names that may repeat among siblings: the first "Valve" stays "Valve", the next ones become
/// "Valve[1]", "Valve[2]"… in the order the file gives them, so a file saved again keeps its identifiers.
/// </summary>
internal sealed class SiblingNames
{
    private readonly Dictionary<string, int> _seen = new(StringComparer.Ordinal);

    public string Next(string name)
    {
        int count = _seen.GetValueOrDefault(name);
        _seen[name] = count + 1;
        return count == 0 ? name : $"{name}[{count.ToString(CultureInfo.InvariantCulture)}]";
    }
}
