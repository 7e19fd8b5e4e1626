from django.contrib import admin

from .models import BanRegion


@admin.register(BanRegion)
class BanRegionAdmin(admin.ModelAdmin):
    list_display = ["ban", "region"]
    list_filter = ["region"]
    raw_id_fields = ["ban"]
    search_fields = ["ban__decision__reference", "ban__person__surname"]
