using System.IO.Compression;

namespace Sync.Engine.Connectors.Archives;

/// <summary>
/// Extracts zip archives that users upload without trusting them: a member whose name resolves outside the scratch
/// directory (<c>../</c>, absolute paths, drive letters) or repeats another's is refused, and the bytes actually
/// inflated (not the sizes the archive claims) are bounded per member, in total and in their ratio to the
/// compressed size (zip bombs).
/// </summary>
internal static class SafeZip
{
    public const int MaxEntries = 10_000;
    public const long MaxTotalBytes = 4L << 30;
    public const int MaxRatio = 200;

    /// <summary>Members smaller than this may compress better than <see cref="MaxRatio"/> (a file of zeros) and are let through.</summary>
    private const long RatioFloorBytes = 1 << 20;

    /// <summary>Extracts every member whose name passes <paramref name="wanted"/>; returns member name → path.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ExtractAsync(Stream content, string fileName, ScratchDirectory scratch, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        var extracted = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            using var zip = await ZipArchive.CreateAsync(content, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken).ConfigureAwait(false);
            if (zip.Entries.Count > MaxEntries)
            {
                throw new SourceFormatException($"'{fileName}' holds {zip.Entries.Count} members, more than the {MaxEntries} read.");
            }

            long total = 0;
            foreach (var entry in zip.Entries)
            {
                string name = entry.FullName.Replace('\\', '/');
                if (name.EndsWith('/') || !wanted(name))
                {
                    continue; // a directory, or a member the connector does not read
                }

                string path = Path.Combine(scratch.Path, name);
                if (Path.IsPathRooted(name) || name.Contains(':', StringComparison.Ordinal) || name.Contains('\0', StringComparison.Ordinal) || !scratch.Contains(path))
                {
                    throw new SourceFormatException($"'{fileName}' has a member named '{entry.FullName}' that points outside the archive; it is not extracted.");
                }

                if (!extracted.TryAdd(name, path))
                {
                    throw new SourceFormatException($"'{fileName}' holds the member '{entry.FullName}' more than once (names differing only in case count as one).");
                }

                long limit = Math.Min(MaxTotalBytes - total, Math.Max(entry.CompressedLength * (long)MaxRatio, RatioFloorBytes));
                var source = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    await scratch.SaveAsync(source, name, limit, $"'{fileName}/{name}' expands beyond {limit:N0} bytes: refused as too large for its compressed size or for the service's limits (a zip bomb?).", cancellationToken).ConfigureAwait(false);
                }

                total += new FileInfo(path).Length;
            }
        }
        catch (InvalidDataException e)
        {
            throw new SourceFormatException($"'{fileName}' is not a readable zip archive: {e.Message}", e);
        }

        return extracted;
    }
}
