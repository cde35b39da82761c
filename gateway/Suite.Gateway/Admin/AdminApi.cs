using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Suite.Gateway.OpenAi;
using Suite.Gateway.Tenancy;
using Suite.ServiceDefaults.Errors;

namespace Suite.Gateway.Admin;

/// <summary>
/// The admin API under <c>/admin/v1</c>: tenants and keys (create, list, get, revoke) and usage reports. It exists only
/// when <c>Tenancy__AdminKey</c> is set (else every path is 404) and takes only that credential, compared in constant
/// time; API keys never open it.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var options = app.ServiceProvider.GetRequiredService<IOptions<TenancyOptions>>().Value;
        if (options.AdminKey is not { Length: > 0 } adminKey)
        {
            return app;
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(adminKey));
        var admin = app.MapGroup("/admin/v1").AddEndpointFilter(async (context, next) =>
        {
            var presented = ApiKeyMiddleware.BearerToken(context.HttpContext.Request) ?? string.Empty;
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), expected))
            {
                await ErrorWriter.WriteAsync(context.HttpContext, PipelineErrors.Unauthorized("Incorrect admin credential. Send 'Authorization: Bearer <Tenancy__AdminKey>'.")).ConfigureAwait(false);
                return Results.Empty;
            }

            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (AdminInputException e)
            {
                await ErrorWriter.WriteAsync(context.HttpContext, e.Error).ConfigureAwait(false);
                return Results.Empty;
            }
        });

        admin.MapPost("/tenants", TenantEndpoints.CreateAsync);
        admin.MapGet("/tenants", TenantEndpoints.ListAsync);
        admin.MapGet("/tenants/{id}", TenantEndpoints.GetAsync);
        admin.MapDelete("/tenants/{id}", TenantEndpoints.RevokeAsync);
        admin.MapPost("/keys", KeyEndpoints.CreateAsync);
        admin.MapGet("/keys", KeyEndpoints.ListAsync);
        admin.MapGet("/keys/{id}", KeyEndpoints.GetAsync);
        admin.MapDelete("/keys/{id}", KeyEndpoints.RevokeAsync);
        admin.MapGet("/usage", UsageEndpoints.GetAsync);
        return app;
    }

    internal static IResult Json(object value, int status = 200) => Results.Json(value, TenancyJson.Options, statusCode: status);

    internal static async Task<IResult> ErrorAsync(HttpContext context, Suite.Contracts.PipelineError error)
    {
        await ErrorWriter.WriteAsync(context, error).ConfigureAwait(false);
        return Results.Empty;
    }
}
