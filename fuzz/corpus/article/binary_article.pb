
bin-1Rocket launch delayed#Engineers will try again next week."https://example.org/r*Orbit Weekly2science:À¬ŠÀBspace