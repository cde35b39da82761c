using Microsoft.AspNetCore.Http;
using Suite.Gateway.Tenancy;

namespace Suite.Gateway.Edge;

/// <summary>The caller the authentication middleware resolved for an HTTP request.</summary>
public static class CallerContext
{
    /// <summary>The request's caller (the anonymous one when the gateway asks for no keys).</summary>
    public static Caller Caller(this HttpContext context) => context.Features.Get<Caller>() ?? Tenancy.Caller.Anonymous;

    internal static void SetCaller(this HttpContext context, Caller caller) => context.Features.Set(caller);
}
