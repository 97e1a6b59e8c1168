from django.http import HttpResponse


# Placeholders until the booking flow lands (issue 3).
def start(request):
    return HttpResponse(status=503)


def staff_index(request):
    return HttpResponse(status=503)
