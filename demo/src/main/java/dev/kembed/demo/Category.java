package dev.kembed.demo;

import java.util.List;

/**
 * The post categories of the demo neighbourhood, each with the raw material its texts are drawn
 * from: post subjects and bodies (with {@code {x}} slots filled from {@code fillers}), comments,
 * and what people type into search. Written so that a sentence-embedding model can tell the
 * categories apart the way a person would, not by shared keywords.
 */
public enum Category {
  FOR_SALE(
      "for sale & free",
      List.of(
          "Free {x}, pick up this weekend",
          "Selling my {x}, barely used",
          "{x} for sale, make an offer",
          "Giving away a {x} before we move",
          "Moving sale: {x} and more"),
      List.of(
          "Good condition, a few scratches. Cash or transfer, collect from our porch.",
          "We are downsizing and it needs a new home. First come first served.",
          "Paid 300 new, asking 80. Can help load it into your car.",
          "Smoke-free home, pet-free home. Message me if you want photos."),
      List.of(
          "grey three-seat couch",
          "oak dining table",
          "kids bike",
          "baby stroller",
          "bookshelf",
          "mini fridge",
          "standing desk",
          "set of garden chairs",
          "washing machine"),
      List.of(
          "Is it still available?",
          "I can pick it up tomorrow evening if nobody else has claimed it.",
          "Would you take 50 for it?",
          "Does it come apart for transport?"),
      List.of(
          "free couch",
          "used bike for sale",
          "cheap dining table",
          "free furniture",
          "moving sale",
          "stroller second hand")),
  LOST_PETS(
      "lost & found pets",
      List.of(
          "Lost {x} near the park",
          "Found a {x} on our street",
          "Missing: our {x}, please help",
          "Have you seen this {x}?",
          "{x} wandering by the school"),
      List.of(
          "Answers to her name, very friendly but scared of loud noises. She has a red collar and"
              + " is microchipped.",
          "Escaped through the back gate last night. Please check your sheds and garages.",
          "We are heartbroken, the kids are so worried. Reward offered for any sighting.",
          "Currently safe in our kitchen, no tag but very well fed. Owner please message me."),
      List.of(
          "brown labrador",
          "black cat",
          "grey tabby cat",
          "small terrier",
          "golden retriever puppy",
          "white rabbit",
          "border collie",
          "ginger kitten"),
      List.of(
          "I think I saw a dog like that running towards the river this morning!",
          "Shared with the local pet rescue group. Hope she comes home soon.",
          "Check the animal shelter, they post found pets daily.",
          "So glad he is back home safe!",
          "Our cat went missing for three days once and came back hungry. Fingers crossed."),
      List.of(
          "lost dog",
          "lost cat near park",
          "found kitten",
          "missing labrador",
          "pet rescue",
          "lost dog reward")),
  RECOMMENDATIONS(
      "recommendations: plumbers, handymen, babysitters",
      List.of(
          "Can anyone recommend a {x}?",
          "Looking for a reliable {x}",
          "Great {x}, highly recommend",
          "Need a {x} this week",
          "Recommendations for a {x} please"),
      List.of(
          "Ideally someone who can come out quickly and does not charge a fortune. Thanks"
              + " neighbours!",
          "They were on time, tidy and fairly priced. Happy to share their number.",
          "Last one we hired never showed up, so personal experience only please.",
          "We just moved in and do not know anyone local yet."),
      List.of(
          "plumber for a leaking boiler",
          "handyman to fix our fence",
          "babysitter for Friday nights",
          "electrician",
          "after-school nanny",
          "painter and decorator",
          "emergency plumber"),
      List.of(
          "We used Dave the plumber last year, fixed our boiler in an hour and very reasonable.",
          "Our babysitter is a student at the college, great with kids, I will DM you her number.",
          "Seconding this, he did our bathroom tiles too.",
          "Try the handyman who advertises at the hardware store, he is excellent."),
      List.of(
          "plumber recommendation",
          "reliable handyman",
          "babysitter near me",
          "good electrician",
          "nanny after school",
          "emergency plumber")),
  CRIME_SAFETY(
      "crime & safety",
      List.of(
          "Car broken into on {x}",
          "Suspicious person on {x} last night",
          "Package theft on {x}",
          "Bike stolen from {x}",
          "Police activity on {x}"),
      List.of(
          "Window smashed and the glovebox emptied. Please lock your cars and do not leave anything"
              + " visible.",
          "Someone was trying door handles around 2am. We have it on the doorbell camera, reported"
              + " to police.",
          "Third parcel taken from our doorstep this month. Anyone else had deliveries go missing?",
          "Please keep an eye out and report anything unusual to the non-emergency line."),
      List.of(
          "Elm Street",
          "the corner of Oak Avenue",
          "Station Road",
          "the shopping centre car park",
          "Maple Close",
          "the high street"),
      List.of(
          "Same happened to us last week, we filed a police report.",
          "Thanks for the warning, I will check our camera footage.",
          "We should set up a neighbourhood watch.",
          "Has anyone contacted the council about better street lighting?"),
      List.of(
          "car break in",
          "package stolen",
          "suspicious person",
          "bike theft",
          "police report neighbourhood",
          "crime near station")),
  EVENTS(
      "local events",
      List.of(
          "{x} this Saturday",
          "Join us for the {x}",
          "{x} at the community centre",
          "Reminder: {x} tomorrow",
          "Volunteers needed for the {x}"),
      List.of(
          "Family friendly, free entry, food stalls and live music from 11am. Bring your"
              + " neighbours!",
          "Tickets are five pounds and all money goes to the school roof fund.",
          "We still need a few people to help set up the tables and chairs in the morning.",
          "Last year was a huge success, hope to see everyone there again."),
      List.of(
          "summer street party",
          "farmers market",
          "charity quiz night",
          "kids film screening",
          "park clean-up day",
          "open air concert",
          "book swap"),
      List.of(
          "Count us in, we will bring a cake!",
          "What time does it finish?",
          "Is it okay to bring dogs?",
          "I can help with the setup in the morning."),
      List.of(
          "events this weekend",
          "street party",
          "farmers market saturday",
          "kids activities",
          "quiz night tickets",
          "community centre events")),
  HOME_GARDEN(
      "home & garden",
      List.of(
          "Tips for {x}?",
          "Our {x} this year",
          "Help with {x}",
          "Anyone tried {x}?",
          "Advice needed on {x}"),
      List.of(
          "The tomatoes are doing well but something keeps eating the lettuce. Organic ideas"
              + " welcome.",
          "Sharing a few photos, it took all spring but we are very happy with it.",
          "Clay soil and a north facing garden, so not much gets sun. What grows well here?",
          "Thinking of doing it ourselves this autumn rather than hiring someone."),
      List.of(
          "growing vegetables in raised beds",
          "composting",
          "pruning apple trees",
          "a wildflower lawn",
          "fixing a damp wall",
          "the rose garden",
          "keeping slugs off hostas"),
      List.of(
          "Beer traps worked wonders for our slugs.",
          "Lovely garden! Which variety of roses are those?",
          "We added sand and compost to our clay soil and it helped a lot.",
          "The garden centre on the ring road has a good sale on bulbs right now."),
      List.of(
          "vegetable garden tips",
          "how to compost",
          "slugs in garden",
          "pruning fruit trees",
          "damp wall fix",
          "raised beds"));

  private final String label;
  private final List<String> subjects;
  private final List<String> bodies;
  private final List<String> fillers;
  private final List<String> comments;
  private final List<String> queries;

  Category(
      String label,
      List<String> subjects,
      List<String> bodies,
      List<String> fillers,
      List<String> comments,
      List<String> queries) {
    this.label = label;
    this.subjects = subjects;
    this.bodies = bodies;
    this.fillers = fillers;
    this.comments = comments;
    this.queries = queries;
  }

  public String label() {
    return label;
  }

  List<String> subjects() {
    return subjects;
  }

  List<String> bodies() {
    return bodies;
  }

  List<String> fillers() {
    return fillers;
  }

  List<String> comments() {
    return comments;
  }

  List<String> queries() {
    return queries;
  }
}
