using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Uploads.Gateway.Problems;
using Uploads.Gateway.Tenancy;
using Uploads.Grains;

namespace Uploads.Gateway.RateLimiting;

/// <summary>Registers the per-tenant request rate limit of the API.</summary>
public static class RateLimitingServiceCollectionExtensions
{
    /// <summary>The rate limiting policy the API endpoints require.</summary>
    public const string TenantPolicy = "tenant";

    /// <summary>
    /// Adds one token bucket per tenant (<c>Uploads:Limits:RequestsPerSecond</c>, <c>RequestBurst</c>) without queueing,
    /// so a tenant over its rate gets 429 <c>rate_limited</c> with <c>Retry-After</c> at once and never slows another.
    /// </summary>
    public static IServiceCollection AddUploadsRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(TenantPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptions<UploadOptions>>().Value.Limits;
                return RateLimitPartition.GetTokenBucketLimiter(context.GetTenant(), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.RequestsPerSecond + limits.RequestBurst,
                    TokensPerPeriod = limits.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                TimeSpan? retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : null;
                UploadErrors.SetRetryAfter(context.HttpContext, UploadErrors.RateLimited, retryAfter);
                await UploadErrors.Problem(UploadErrors.RateLimited, "Too many requests from this tenant; retry after the time Retry-After gives.")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
