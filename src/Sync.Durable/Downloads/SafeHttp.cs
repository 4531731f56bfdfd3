using System.Net;
using System.Net.Sockets;

namespace Sync.Durable.Downloads;

/// <summary>
/// The one HTTP client every download uses, guarding against server-side request forgery:
/// - only http(s) URLs, HTTPS unless <see cref="DownloadOptions.AllowHttp"/>, and no credentials in the URL;
/// - the address actually connected to, for the first request and for every redirect (each connects anew through
///   <see cref="SocketsHttpHandler.ConnectCallback"/>), must be public.
/// Loopback, private, link-local (cloud metadata), CGNAT, multicast, unspecified, reserved and documentation
/// ranges are refused, IPv4 and IPv6 alike, including IPv4-mapped and NAT64 forms. However a host is spelled
/// (decimal, octal, hex IPv4), the check is on the resolved address.
/// </summary>
public static class SafeHttp
{
    public static HttpClient CreateClient(DownloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var allowed = options.AllowedAddresses.Select(IPAddress.Parse).ToHashSet();
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = options.MaxRedirects > 0,
            MaxAutomaticRedirections = Math.Max(1, options.MaxRedirects),
            ConnectTimeout = options.ConnectTimeout,
            UseProxy = false,
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowed, cancellationToken),
        };
        // Waits are bounded per read by the downloader (DownloadOptions.ReadTimeout), not for the whole transfer.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Refuses a URL before any request: scheme, credentials, plain HTTP outside Development.</summary>
    public static Uri Check(string url, DownloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw new UnsafeUrlException($"'{url}' is not an absolute URL.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && options.AllowHttp))
        {
            throw new UnsafeUrlException(uri.Scheme == Uri.UriSchemeHttp
                ? "Only https:// URLs are downloaded."
                : $"'{uri.Scheme}:' URLs are not downloaded; send an https:// URL.");
        }

        if (uri.UserInfo.Length > 0)
        {
            throw new UnsafeUrlException("URLs with credentials in them are not downloaded; use a pre-authenticated (SAS) URL.");
        }

        return uri;
    }

    /// <summary>Why an address may not be connected to, or null when it is public.</summary>
    public static string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            return Refusal(address.MapToIPv4());
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            byte[] b = address.GetAddressBytes();
            return b switch
            {
                [0, ..] => "an unspecified (0.0.0.0/8) address",
                [10, ..] => "a private address",
                [100, >= 64 and <= 127, ..] => "a shared (CGNAT) address",
                [127, ..] => "a loopback address",
                [169, 254, ..] => "a link-local address (where cloud metadata services answer)",
                [172, >= 16 and <= 31, ..] => "a private address",
                [192, 0, 0, _] => "a reserved (IETF protocol) address",
                [192, 0, 2, _] or [198, 51, 100, _] or [203, 0, 113, _] => "a documentation address",
                [192, 168, ..] => "a private address",
                [198, 18 or 19, ..] => "a benchmarking address",
                [>= 224 and <= 239, ..] => "a multicast address",
                [>= 240, ..] => "a reserved address",
                _ => null,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            byte[] b = address.GetAddressBytes();
            if (IPAddress.IPv6Loopback.Equals(address))
            {
                return "a loopback address";
            }

            if (IPAddress.IPv6Any.Equals(address))
            {
                return "an unspecified address";
            }

            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
            {
                // NAT64 (64:ff9b::/96): judged by the IPv4 address it carries.
                return Refusal(new IPAddress(b.AsSpan(12, 4)));
            }

            return b[0] switch
            {
                0xFF => "a multicast address",
                0xFE when (b[1] & 0xC0) == 0x80 => "a link-local address",
                0xFE when (b[1] & 0xC0) == 0xC0 => "a site-local address",
                0xFC or 0xFD => "a private (unique local) address",
                0x00 when b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 => "an IPv4-compatible address",
                _ => null,
            };
        }

        return "an address of an unknown family";
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, HashSet<IPAddress> allowed, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken).ConfigureAwait(false);
        var target = addresses.FirstOrDefault(a => allowed.Contains(a) || Refusal(a) is null)
            ?? throw new UnsafeUrlException(addresses.Length == 0
                ? $"'{endpoint.Host}' does not resolve to an address."
                : $"'{endpoint.Host}' resolves to {addresses[0]}, {Refusal(addresses[0])}, which downloads may not reach.");
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(target, endpoint.Port), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
