namespace Sync.Engine.Elements;

/// <summary>
/// Puts a connector's properties in the canonical order: by name (ordinal), the first of a repeated name kept in the
/// order the connector added them (two property sets of the same name, a tag repeated among block attributes). The
/// sort is stable, so the kept value, and with it the checksum, never depends on the sort algorithm.
/// </summary>
public static class SourceProperties
{
    private const int InsertionSortLimit = 64;

    /// <summary>Adds a text property when it has a value (null and empty text are left out).</summary>
    public static void AddText(List<KeyValuePair<string, object>> properties, string name, string? value)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!string.IsNullOrEmpty(value))
        {
            properties.Add(new(name, value));
        }
    }

    public static List<KeyValuePair<string, object>> SortedByName(List<KeyValuePair<string, object>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (properties.Count > InsertionSortLimit)
        {
            var ordered = properties.OrderBy(p => p.Key, StringComparer.Ordinal).ToList(); // stable
            properties.Clear();
            properties.AddRange(ordered);
        }

        // Insertion sort: stable, in place, and the fastest for the handful of properties most elements have.
        for (int i = 1; i < properties.Count; i++)
        {
            var item = properties[i];
            int j = i - 1;
            while (j >= 0 && string.CompareOrdinal(properties[j].Key, item.Key) > 0)
            {
                properties[j + 1] = properties[j];
                j--;
            }

            properties[j + 1] = item;
        }

        int kept = 0;
        for (int i = 0; i < properties.Count; i++)
        {
            if (kept == 0 || !string.Equals(properties[kept - 1].Key, properties[i].Key, StringComparison.Ordinal))
            {
                properties[kept++] = properties[i];
            }
        }

        properties.RemoveRange(kept, properties.Count - kept);
        return properties;
    }
}
