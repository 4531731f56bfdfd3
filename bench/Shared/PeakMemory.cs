using System.Globalization;

namespace Sync.Benchmarks;

/// <summary>The peak resident memory of this process (Linux VmHWM): each benchmark size runs in a process of its own.</summary>
internal static class PeakMemory
{
    public static double Megabytes()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
    }
}
