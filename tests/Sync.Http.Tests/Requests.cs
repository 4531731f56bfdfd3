using System.Text;
using Microsoft.AspNetCore.Http;

namespace Sync.Http.Tests;

internal static class Requests
{
    public static HttpRequest WithBody(string? body, string query = "")
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("example.test");
        context.Request.Path = "/things";
        context.Request.QueryString = new QueryString(query);
        if (body is not null)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
        }

        return context.Request;
    }
}
