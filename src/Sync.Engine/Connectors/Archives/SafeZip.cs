using System.IO.Compression;

namespace Sync.Engine.Connectors.Archives;

/// <summary>
/// Extracts zip archives that users upload without trusting them: member names that climb out of the scratch
/// directory (<c>../</c>, absolute paths, drive letters) are refused, and the bytes actually inflated (not the sizes
/// the archive claims) are bounded per member, in total and in their ratio to the compressed size (zip bombs).
/// </summary>
internal static class SafeZip
{
    public const int MaxEntries = 10_000;
    public const long MaxTotalBytes = 4L << 30;
    public const int MaxRatio = 200;

    /// <summary>Members smaller than this may compress better than <see cref="MaxRatio"/> (a file of zeros) and are let through.</summary>
    private const long RatioFloorBytes = 1 << 20;

    /// <summary>Extracts every member whose name passes <paramref name="wanted"/>; returns relative name → path.</summary>
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
                if (entry.FullName.EndsWith('/'))
                {
                    continue; // a directory
                }

                string name = CheckedName(entry.FullName, fileName);
                if (!wanted(name))
                {
                    continue;
                }

                string path = Path.Combine(scratch.Path, "zip", name);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                long limit = Math.Min(MaxTotalBytes - total, entry.CompressedLength * (long)MaxRatio);
                limit = Math.Max(limit, Math.Min(RatioFloorBytes, MaxTotalBytes - total));
                var source = await entry.OpenAsync(cancellationToken).ConfigureAwait(false);
                await using (source.ConfigureAwait(false))
                {
                    var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                    await using (target.ConfigureAwait(false))
                    {
                        total += await CopyBoundedAsync(source, target, limit, $"{fileName}/{name}", cancellationToken).ConfigureAwait(false);
                    }
                }

                extracted[name] = path;
            }
        }
        catch (InvalidDataException e)
        {
            throw new SourceFormatException($"'{fileName}' is not a readable zip archive: {e.Message}", e);
        }

        return extracted;
    }

    /// <summary>Copies at most <paramref name="maxBytes"/>; more is refused as a file too large (or a zip bomb).</summary>
    public static async Task<long> CopyBoundedAsync(Stream source, Stream target, long maxBytes, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[1 << 16];
        long copied = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            copied += read;
            if (copied > maxBytes)
            {
                throw new SourceFormatException($"'{name}' expands beyond {maxBytes:N0} bytes: refused as too large for its compressed size or for the service's limits (a zip bomb?).");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }

        return copied;
    }

    /// <summary>A member name as a safe relative path, or a refusal.</summary>
    private static string CheckedName(string name, string fileName)
    {
        string normal = name.Replace('\\', '/');
        bool escapes = normal.StartsWith('/') || (normal.Length > 1 && normal[1] == ':')
            || normal.Split('/').Any(part => part is ".." || part.Length == 0 && normal.Contains("//", StringComparison.Ordinal));
        if (escapes || normal.Contains('\0', StringComparison.Ordinal))
        {
            throw new SourceFormatException($"'{fileName}' has a member named '{name}' that points outside the archive; it is not extracted.");
        }

        return normal;
    }
}
